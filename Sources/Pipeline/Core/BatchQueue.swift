import Foundation
import Kafka

/// The micro-batcher: a bounded queue between the consumer thread and the inference thread.
/// `nextBatch` hands out up to `maxCount` items as soon as that many are waiting, or when the
/// oldest waiting item has waited `maxWait`, whichever comes first. `push` blocks while the
/// queue is full (backpressure on the consumer). Thread-safe.
final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [WorkItem] = []
    private var head = 0
    private var closed = false
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { locked { items.count - head } }

    /// Adds an item, waiting while the queue is full. False if the queue was closed.
    @discardableResult
    func push(_ item: WorkItem) -> Bool {
        locked {
            while !closed, items.count - head >= capacity { condition.wait() }
            guard !closed else { return false }
            items.append(item)
            condition.broadcast()
            return true
        }
    }

    /// The next micro-batch; nil once the queue is closed and empty. With `until` (monotonic
    /// nanoseconds) it returns an empty batch when that moment comes first.
    func nextBatch(maxCount: Int, maxWait: Duration, until limit: UInt64? = nil) -> [WorkItem]? {
        locked {
            while true {
                while items.count == head, !closed {
                    guard let limit else {
                        condition.wait()
                        continue
                    }
                    if !wait(until: limit) { return [] }
                }
                if items.count == head { return nil }
                let deadlineNanos = items[head].receivedNanos + maxWait.nanoseconds
                while items.count - head < maxCount, !closed, items.count > head {
                    if wait(until: min(deadlineNanos, limit ?? deadlineNanos)) { continue }
                    if MonotonicTime.now() >= deadlineNanos { break }
                    return []
                }
                if items.count == head { continue }  // drained by removeAll while waiting
                let end = min(items.count, head + maxCount)
                let batch = Array(items[head..<end])
                head = end
                if head == items.count {
                    items.removeAll(keepingCapacity: true)
                    head = 0
                } else if head > 1024 {
                    items.removeFirst(head)
                    head = 0
                }
                condition.broadcast()
                return batch
            }
        }
    }

    /// Drops waiting items of these partitions (revoked) and returns them.
    @discardableResult
    func removeAll(partitions: Set<TopicPartition>) -> [WorkItem] {
        locked {
            let waiting = items[head...]
            items = waiting.filter { !partitions.contains($0.message.topicPartition) }
            head = 0
            condition.broadcast()
            return waiting.filter { partitions.contains($0.message.topicPartition) }
        }
    }

    /// No more pushes; `nextBatch` drains what is left without waiting for `maxWait`.
    func close() {
        locked {
            closed = true
            condition.broadcast()
        }
    }

    /// Waits for a signal unless `nanos` has come; false if it had (lock held).
    private func wait(until nanos: UInt64) -> Bool {
        let now = MonotonicTime.now()
        guard now < nanos else { return false }
        _ = condition.wait(until: Date().addingTimeInterval(Double(nanos - now) / 1e9))
        return true
    }

    private func locked<R>(_ body: () throws -> R) rethrows -> R {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }
}
