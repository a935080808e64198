@testable import Pipeline
import XCTest

final class ReplayProgressTests: XCTestCase {
    func testReplayProgressStopsAtRangeEnd() {
        var progress = ReplayProgress(plans: [PartitionPlan(partition: 0, start: 2, end: 4, minTimestamp: 100)])
        func message(_ offset: Int64, _ ts: Int64) -> Kafka.KafkaMessage {
            Kafka.KafkaMessage(topic: "t", partition: 0, offset: offset, value: [1], timestampMs: ts)
        }
        XCTAssertEqual(progress.classify(message(2, 150)), .process)
        XCTAssertFalse(progress.isComplete)
        XCTAssertEqual(progress.classify(message(3, 50)), .skip, "filtered by timestamp")
        XCTAssertTrue(progress.isComplete)
        XCTAssertEqual(progress.processed, 1)
        XCTAssertEqual(progress.filtered, 1)
        XCTAssertEqual(progress.scanned, 2)
    }
}

import Kafka
