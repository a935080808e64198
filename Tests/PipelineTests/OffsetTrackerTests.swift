import Kafka
import Pipeline
import XCTest

final class OffsetTrackerTests: XCTestCase {
    private let tp = TopicPartition(topic: "t", partition: 0)

    func testCommitsOnlyTheAcknowledgedPrefix() throws {
        let tracker = OffsetTracker()
        tracker.assign([tp])
        let tickets = try (0..<5).map { try XCTUnwrap(tracker.track(tp, offset: Int64(10 + $0))) }
        XCTAssertEqual(tracker.commitCandidates(), [])
        tracker.acknowledge(tickets[1])
        tracker.acknowledge(tickets[2])
        XCTAssertEqual(tracker.commitCandidates(), [], "offset 10 is not acknowledged yet")
        tracker.acknowledge(tickets[0])
        XCTAssertEqual(tracker.commitCandidates(), [TopicPartitionOffset(tp, offset: 13)])
        tracker.markCommitted(tracker.commitCandidates())
        XCTAssertEqual(tracker.commitCandidates(), [])
        tracker.acknowledge(tickets[4])
        XCTAssertEqual(tracker.commitCandidates(), [])
        tracker.acknowledge(tickets[3])
        XCTAssertEqual(tracker.commitCandidates(), [TopicPartitionOffset(tp, offset: 15)])
        XCTAssertEqual(tracker.pendingCount(), 0)
    }

    func testGapsInOffsetsAreFine() throws {
        let tracker = OffsetTracker()
        tracker.assign([tp])
        let a = try XCTUnwrap(tracker.track(tp, offset: 5))
        let b = try XCTUnwrap(tracker.track(tp, offset: 9))  // 6...8: transaction markers / compacted
        tracker.acknowledge(b)
        XCTAssertEqual(tracker.commitCandidates(), [])
        tracker.acknowledge(a)
        XCTAssertEqual(tracker.commitCandidates(), [TopicPartitionOffset(tp, offset: 10)])
    }

    func testRevocationIgnoresLateAcknowledgements() throws {
        let tracker = OffsetTracker()
        tracker.assign([tp])
        let old = try XCTUnwrap(tracker.track(tp, offset: 0))
        tracker.revoke([tp])
        XCTAssertNil(tracker.track(tp, offset: 1), "not assigned")
        tracker.assign([tp])
        let fresh = try XCTUnwrap(tracker.track(tp, offset: 0))
        tracker.acknowledge(old)
        XCTAssertEqual(tracker.commitCandidates(), [], "an acknowledgement from the previous assignment must not count")
        tracker.acknowledge(fresh)
        XCTAssertEqual(tracker.commitCandidates(), [TopicPartitionOffset(tp, offset: 1)])
    }

    func testFailedCommitBecomesCandidateAgain() throws {
        let tracker = OffsetTracker()
        tracker.assign([tp])
        tracker.acknowledge(try XCTUnwrap(tracker.track(tp, offset: 0)))
        let offsets = tracker.commitCandidates()
        tracker.markCommitted(offsets)
        tracker.commitFailed(offsets)
        XCTAssertEqual(tracker.commitCandidates(), offsets)
    }

    func testWaitUntilAcknowledged() throws {
        let tracker = OffsetTracker()
        tracker.assign([tp])
        let ticket = try XCTUnwrap(tracker.track(tp, offset: 0))
        XCTAssertFalse(tracker.waitUntilAcknowledged([tp], timeout: .milliseconds(50)))
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { tracker.acknowledge(ticket) }
        XCTAssertTrue(tracker.waitUntilAcknowledged([tp], timeout: .seconds(5)))
    }

    func testManyOutOfOrderAcknowledgements() throws {
        let tracker = OffsetTracker()
        tracker.assign([tp])
        let tickets = try (0..<5_000).map { try XCTUnwrap(tracker.track(tp, offset: Int64($0))) }
        var rng = SystemRandomNumberGenerator()
        for t in tickets.shuffled(using: &rng) { tracker.acknowledge(t) }
        XCTAssertEqual(tracker.commitCandidates(), [TopicPartitionOffset(tp, offset: 5_000)])
    }
}
