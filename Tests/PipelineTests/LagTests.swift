import Kafka
@testable import Pipeline
import XCTest

final class LagTests: XCTestCase {
    func testLagCountsFromWhereTheGroupWouldResume() {
        let marks = WatermarkOffsets(low: 10, high: 100)
        XCTAssertEqual(LagMonitor.lag(marks, commitPoint: 90, committed: 50), 10, "the tracker's commit point first")
        XCTAssertEqual(LagMonitor.lag(marks, commitPoint: nil, committed: 50), 50, "then the group's commit")
        XCTAssertEqual(LagMonitor.lag(marks, commitPoint: nil, committed: KafkaOffset.invalid), 90, "then the oldest record")
        XCTAssertEqual(LagMonitor.lag(marks, commitPoint: nil, committed: nil), 90)
        XCTAssertEqual(LagMonitor.lag(marks, commitPoint: 120, committed: nil), 0, "never negative")
    }
}
