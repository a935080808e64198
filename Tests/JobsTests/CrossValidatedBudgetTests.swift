import XCTest

@testable import FastBERT
@testable import Jobs

final class CrossValidatedBudgetTests: XCTestCase {
    let config = BertConfig(vocabSize: 100, hiddenSize: 32, numLayers: 2, numHeads: 4, intermediateSize: 64,
                            fastbert: FastBERTConfig(classifierHidden: 16, classifierHeads: 2, labels: ["a", "b"]))

    /// 1,000 rows; the student's entropy rises with the row number, the teacher is always right,
    /// and the student is wrong only on 4 rows of each fold, at a place of its own (fold f: rows
    /// 100(f+1) ..< 100(f+1)+20). A search sees the other folds' losses and none of this fold's,
    /// so its threshold runs past them.
    func overfitting() -> (traces: [LayerTrace], targets: [Int]) {
        let targets = (0..<1000).map { $0 % 2 }
        let traces = (0..<1000).map { i -> LayerTrace in
            let fold = i % ExitCalibration.folds
            let lost = (100 * (fold + 1)..<100 * (fold + 1) + 20).contains(i)
            return LayerTrace(length: 10, labels: [lost ? 1 - targets[i] : targets[i], targets[i]],
                              entropy: [Float(i) / 1000, 0.01], topGap: [Float(i) / 2000, 0.01])
        }
        return (traces, targets)
    }

    func testASearchThatOverfitsItsRowsGetsASmallerBudget() throws {
        let (traces, targets) = overfitting()
        let calibration = ExitCalibration(traces: traces, targets: targets, config: config, budget: 0.5, z: 0)
        XCTAssertGreaterThan(calibration.heldOutDrop(searchBudget: 0.5, folds: ExitCalibration.folds), 0.5,
                             "searched at the whole budget, the folds lose more than it")
        let cut = try XCTUnwrap(calibration.crossValidatedBudget())
        XCTAssertLessThan(cut.budget, 0.5)
        XCTAssertLessThanOrEqual(cut.heldOutDrop, 0.5)
        XCTAssertEqual(cut.folds, ExitCalibration.folds)
    }

    func testWhenEvenASearchAtZeroLosesTooMuchNothingIsReturned() {
        let (traces, targets) = overfitting()
        let calibration = ExitCalibration(traces: traces, targets: targets, config: config, budget: 0.1, z: 0)
        XCTAssertGreaterThan(calibration.heldOutDrop(searchBudget: 0, folds: ExitCalibration.folds), 0.1)
        XCTAssertNil(calibration.crossValidatedBudget())
    }

    func testASearchThatGeneralizesKeepsTheWholeBudget() throws {
        // Sure rows are right and unsure rows wrong, in every fold alike.
        let targets = (0..<500).map { $0 % 2 }
        let traces = (0..<500).map { i in
            LayerTrace(length: 10, labels: [i % 3 == 0 ? 1 - targets[i] : targets[i], targets[i]],
                       entropy: [i % 3 == 0 ? 0.9 : 0.05, 0.01], topGap: [i % 3 == 0 ? 0.5 : 0.02, 0.01])
        }
        let cut = try XCTUnwrap(ExitCalibration(traces: traces, targets: targets, config: config, budget: 0.5, z: 1).crossValidatedBudget())
        XCTAssertEqual(cut.budget, 0.5)
        XCTAssertEqual(cut.heldOutDrop, 0, accuracy: 1e-9)
    }

    func testTooFewRowsToCutAreSearchedAtTheWholeBudget() throws {
        let (traces, targets) = overfitting()
        let calibration = ExitCalibration(traces: Array(traces.prefix(40)), targets: Array(targets.prefix(40)), config: config,
                                          budget: 0.5, z: 0)
        let cut = try XCTUnwrap(calibration.crossValidatedBudget())
        XCTAssertEqual(cut.budget, 0.5)
        XCTAssertEqual(cut.folds, 0)
    }
}
