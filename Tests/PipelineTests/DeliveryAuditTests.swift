import Pipeline
import XCTest

/// The chaos auditor finds each kind of failure it is meant to find, and passes a clean run.
final class DeliveryAuditTests: XCTestCase {
    private let positive = DeliveryAudit.Expected(label: "positive", exitLayer: 2)
    private let negative = DeliveryAudit.Expected(label: "negative", exitLayer: 4)

    /// Partition 0, offsets 0..<4, all expected `positive`.
    private var inputs: [DeliveryAudit.Input] { (0..<4).map { .init(partition: 0, offset: $0, expected: positive) } }

    /// The producer's acknowledgements of those four inputs.
    private var acknowledged: [DeliveryAudit.Acknowledged] { (0..<4).map { .init(partition: 0, offset: $0) } }

    private func output(_ offset: Int64, at time: Int64, _ result: DeliveryAudit.Expected? = nil) -> DeliveryAudit.Output {
        .init(partition: 0, offset: offset, result: result ?? positive, timestampMs: time)
    }

    func testCleanRunPasses() {
        let report = DeliveryAudit.run(
            acknowledged: acknowledged, inputs: inputs, outputs: (0..<4).map { output($0, at: 100 + $0) },
            samples: [.init(timeMs: 102, committed: [0: 2]), .init(timeMs: 200, committed: [0: 4])], redoPoints: [])
        XCTAssertTrue(report.passed, "\(report)")
        XCTAssertEqual(report.duplicates, 0)
    }

    func testLostInputIsReported() {
        let report = DeliveryAudit.run(acknowledged: acknowledged, inputs: inputs, outputs: [0, 1, 3].map { output($0, at: 100) }, samples: [], redoPoints: [])
        XCTAssertEqual(report.lost, ["0/2"])
        XCTAssertFalse(report.passed)
    }

    func testOutputDifferingFromTheEngineIsReported() {
        let outputs = (0..<4).map { output($0, at: 100, $0 == 1 ? negative : nil) } + [.init(partition: 3, offset: 9, result: positive, timestampMs: 100)]
        let report = DeliveryAudit.run(acknowledged: acknowledged, inputs: inputs, outputs: outputs, samples: [], redoPoints: [])
        XCTAssertEqual(report.mismatches.count, 2, "\(report.mismatches)")
        XCTAssertTrue(report.mismatches[0].contains("0/1: got negative@4, engine says positive@2"))
        XCTAssertTrue(report.mismatches[1].contains("unknown input 3/9"))
    }

    /// A second copy is explained only by a redo point at or below its offset.
    func testDuplicatesOutsideAnUncommittedWindowAreReported() {
        let outputs = (0..<4).map { output($0, at: 100) } + [output(1, at: 150), output(3, at: 150)]
        let report = DeliveryAudit.run(acknowledged: acknowledged, inputs: inputs, outputs: outputs, samples: [], redoPoints: [[0: 2]])
        XCTAssertEqual(report.duplicates, 2)
        XCTAssertEqual(report.unexplainedDuplicates.count, 1)
        XCTAssertTrue(report.unexplainedDuplicates[0].hasPrefix("0/1: 2 copies, 0 redo point(s)"))
        XCTAssertTrue(DeliveryAudit.run(acknowledged: acknowledged, inputs: inputs, outputs: outputs, samples: [], redoPoints: [[0: 1]]).passed)
    }

    /// A commit at 4 read at time 150 while offset 2 was first answered at 160.
    func testCommitPastAnUnansweredInputIsReported() {
        let outputs = [output(0, at: 100), output(1, at: 100), output(2, at: 160), output(3, at: 120)]
        let report = DeliveryAudit.run(acknowledged: acknowledged, inputs: inputs, outputs: outputs,
                                       samples: [.init(timeMs: 150, committed: [0: 2]), .init(timeMs: 150, committed: [0: 4])], redoPoints: [])
        XCTAssertEqual(report.commitViolations.count, 1, "\(report.commitViolations)")
        XCTAssertTrue(report.commitViolations[0].contains("committed 4 at 150 ms, offset 2 unanswered"))
    }

    /// The producer was told offset 2 was stored, but the input topic as read lacks it: without
    /// this check the audit would pass, since it judges only the inputs it saw.
    func testAcknowledgedInputMissingFromTheInputTopicIsReported() {
        let present = inputs.filter { $0.offset != 2 }
        let acks = acknowledged + [.init(partition: 1, offset: -1)]
        let report = DeliveryAudit.run(acknowledged: acks, inputs: present, outputs: present.map { output($0.offset, at: 100) },
                                       samples: [], redoPoints: [])
        XCTAssertEqual(report.missingInputs, ["0/2", "partition 1: acknowledged without an offset"])
        XCTAssertEqual(report.acknowledged, 5)
        XCTAssertTrue(report.lost.isEmpty)
        XCTAssertFalse(report.passed)
    }
}
