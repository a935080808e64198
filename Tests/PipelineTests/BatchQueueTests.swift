import Kafka
import XCTest

@testable import Pipeline

/// The micro-batcher's `until` bound, which lets the inference thread run its pools on time.
final class BatchQueueTests: XCTestCase {
    func item(_ offset: Int64) -> WorkItem {
        WorkItem(message: KafkaMessage(topic: "in", partition: 0, offset: offset, key: nil, value: [1], headers: []),
                 ticket: nil, tokens: [1], receivedNanos: MonotonicTime.now())
    }

    func testABoundAlreadyPastGivesAnEmptyBatchUnlessOneIsReady() {
        let queue = BatchQueue(capacity: 8)
        let past = MonotonicTime.now()
        XCTAssertEqual(queue.nextBatch(maxCount: 2, maxWait: .seconds(60), until: past)?.count, 0, "nothing waiting")
        queue.push(item(0))
        XCTAssertEqual(queue.nextBatch(maxCount: 2, maxWait: .seconds(60), until: past)?.count, 0, "a batch still filling")
        queue.push(item(1))
        XCTAssertEqual(queue.nextBatch(maxCount: 2, maxWait: .seconds(60), until: past)?.map(\.message.offset), [0, 1], "a full batch")
        queue.close()
        XCTAssertNil(queue.nextBatch(maxCount: 2, maxWait: .seconds(60), until: past), "closed and empty")
    }
}
