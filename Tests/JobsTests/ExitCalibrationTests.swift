import XCTest

@testable import FastBERT
@testable import Jobs

final class ExitCalibrationTests: XCTestCase {
    let config = BertConfig(vocabSize: 100, hiddenSize: 32, numLayers: 4, numHeads: 4, intermediateSize: 64,
                            fastbert: FastBERTConfig(classifierHidden: 16, classifierHeads: 2, labels: ["a", "b", "c"]))

    /// Even samples are easy: every student is right and sure. Odd ones are hard: the students are
    /// wrong and unsure (entropy 0.9), the teacher right.
    func easyAndHard(count: Int) -> (traces: [LayerTrace], targets: [Int]) {
        let targets = (0..<count).map { $0 % 3 }
        let traces = targets.enumerated().map { i, target -> LayerTrace in
            let easy = i % 2 == 0
            let studentLabel = easy ? target : (target + 1) % 3
            return LayerTrace(length: 20, labels: [studentLabel, studentLabel, studentLabel, target],
                              entropy: easy ? [0.05, 0.04, 0.03, 0.02] : [0.9, 0.9, 0.9, 0.1],
                              topGap: easy ? [0.02, 0.02, 0.01, 0.01] : [0.6, 0.6, 0.6, 0.05])
        }
        return (traces, targets)
    }

    func testEasySamplesLeaveAtLayerOneWithoutLosingAccuracy() {
        let (traces, targets) = easyAndHard(count: 200)
        let best = ExitCalibration(traces: traces, targets: targets, config: config, budget: 0.5, z: 1).search()
        XCTAssertFalse(best.isEmpty)
        XCTAssertEqual(best[0].accuracy, 1)
        XCTAssertEqual(best[0].exitShare[0], 0.5, accuracy: 1e-9)
        XCTAssertGreaterThan(best[0].flopsSpeedup, 1.4)
        XCTAssertNotEqual(best[0].policy.criterion, .patience, "patience lets the hard samples go at layer 2, wrongly")
    }

    func testTheDropBoundAddsStandardErrorsSoALuckyDropFails() {
        var (traces, targets) = easyAndHard(count: 200)
        // Four easy samples on which the students are wrong although sure.
        for i in [0, 2, 4, 6] { traces[i].labels[0] = (targets[i] + 1) % 3 }
        let loose = ExitCalibration(traces: traces, targets: targets, config: config, budget: 2.5, z: 0)
        let strict = ExitCalibration(traces: traces, targets: targets, config: config, budget: 2.5, z: 3)
        let policy = ExitPolicy(criterion: .entropy, thresholds: [0.5, 0, 0])
        XCTAssertEqual(loose.evaluate(policy).drop, 2, accuracy: 1e-9)
        XCTAssertTrue(loose.feasible(loose.evaluate(policy)))
        XCTAssertGreaterThan(strict.evaluate(policy).dropBound, 2.5)
        XCTAssertFalse(strict.feasible(strict.evaluate(policy)))
    }

    /// Exits that lose 2 points where full depth is right and win 2 where it is wrong have a net
    /// drop of 0, but only the losses count against the budget.
    func testGainsDoNotOffsetLosses() {
        var (traces, targets) = easyAndHard(count: 200)
        for i in [0, 2, 4, 6] { traces[i].labels[0] = (targets[i] + 1) % 3 }
        for i in [8, 10, 12, 14] { traces[i].labels[3] = (targets[i] + 2) % 3 }
        let calibration = ExitCalibration(traces: traces, targets: targets, config: config, budget: 0.5, z: 0)
        let outcome = calibration.evaluate(ExitPolicy(criterion: .entropy, thresholds: [0.5, 0, 0]))
        XCTAssertEqual(outcome.drop, 0, accuracy: 1e-9)
        XCTAssertEqual(outcome.losses, 2, accuracy: 1e-9)
        XCTAssertFalse(calibration.feasible(outcome))
    }

    func testNothingPaysWhenTheStudentsAreNeverSure() {
        let (traces, targets) = easyAndHard(count: 100)
        let unsure = traces.map { trace -> LayerTrace in
            var copy = trace
            copy.labels = [(trace.labels[3] + 2) % 3, (trace.labels[3] + 2) % 3, (trace.labels[3] + 2) % 3, trace.labels[3]]
            copy.entropy = [1, 1, 1, 0.1]
            copy.topGap = [0.66, 0.66, 0.66, 0.1]
            return copy
        }
        let best = ExitCalibration(traces: unsure, targets: targets, config: config, budget: 0.5, z: 1).search()
        XCTAssertFalse(best.contains { $0.flopsSpeedup > 1 }, "\(best)")
        let verdict = CalibratedExit(policy: .fullDepth(layers: 4), budget: 0.5, z: 1, data: "dev.tsv", examples: 100,
                                     fullDepthAccuracy: 1, accuracy: 1, flopsSpeedup: 1, wallClockSpeedup: nil, paysOff: false)
        XCTAssertEqual(verdict.summary,
                       "no exit policy within 0.50 points of full depth beats full depth on dev.tsv; serve with --speed 0")
    }

    func testPolicyFileRoundTripsAndAPolicyForAnotherDepthIsRefused() throws {
        let folder = Fixtures.modelFolder()
        let calibrated = CalibratedExit(
            policy: ExitPolicy(criterion: .entropy, thresholds: [0.1, 0.2]), budget: 0.5, z: 1, data: "dev.tsv", examples: 10,
            fullDepthAccuracy: 0.9, accuracy: 0.9, flopsSpeedup: 1.5, wallClockSpeedup: 1.3, paysOff: true)
        try calibrated.write(to: folder)
        XCTAssertEqual(try ModelBundle.load(directory: folder, threads: 1).calibratedExit, calibrated)
        var wrong = calibrated
        wrong.policy.thresholds = [0.1]
        try wrong.write(to: folder)
        XCTAssertThrowsError(try ModelBundle.load(directory: folder, threads: 1)) { error in
            XCTAssertTrue("\(error)".contains("exit-policy.json: the policy does not fit a 3-layer model"), "\(error)")
        }
    }
}
