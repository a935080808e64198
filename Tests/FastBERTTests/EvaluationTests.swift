import XCTest

@testable import FastBERT

final class EvaluationTests: XCTestCase {
    func testMacroF1() {
        // class 0: tp 1, fp 1, fn 0 -> 2/3; class 1: tp 1, fp 0, fn 1 -> 2/3
        XCTAssertEqual(Evaluation.macroF1([0, 0, 1], [0, 1, 1], classes: 2), 2.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(Evaluation.accuracy([0, 0, 1], [0, 1, 1]), 2.0 / 3, accuracy: 1e-9)
    }

    func testEvaluationReportsSpeedupsAgainstSpeedZero() throws {
        let model = Fixtures.tinyModel()
        let sequences = Fixtures.randomSequences(count: 30, vocab: 100, lengths: 3...20, seed: 8)
        let engine = try EarlyExitEngine(model: model, threads: 2)
        let targets = try engine.classify(sequences, speed: 0).map(\.label)
        let results = try Evaluation.evaluate(engine: engine, sequences: sequences, targets: targets, speeds: [0.5, 1],
                                              batchSize: 8)
        XCTAssertEqual(results.map(\.speed), [0, 0.5, 1])
        XCTAssertEqual(results[0].accuracy, 1)
        XCTAssertEqual(results[0].flopsSpeedup, 1)
        XCTAssertEqual(results[0].exitShare, [0, 0, 0, 1])
        XCTAssertEqual(results[2].exitShare[0], 1)
        XCTAssertEqual(results[2].meanExitLayer, 1)
        XCTAssertGreaterThan(results[2].flopsSpeedup, 2.5)
    }
}
