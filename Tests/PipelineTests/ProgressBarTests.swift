@testable import Pipeline
import XCTest

final class ProgressBarTests: XCTestCase {
    func testRendering() {
        let line = ProgressBar.render(label: "replay", done: 50, total: 200, elapsed: 10, width: 10)
        XCTAssertTrue(line.hasPrefix("replay [##........] 50/200"), line)
        XCTAssertTrue(line.contains("25.0%"), line)
        XCTAssertTrue(line.contains("5 msg/s"), line)
        XCTAssertTrue(line.hasSuffix("ETA 00:30"), line)
    }

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
