import Foundation
import Kafka

/// Per-partition acknowledgement watermarks for at-least-once processing. The consumer thread
/// `track`s each record it takes; whoever learns that the record's single output was
/// delivered (the producer's delivery-report thread) `acknowledge`s it; the committer commits
/// `commitCandidates()`. Thread-safe.
public final class OffsetTracker: @unchecked Sendable {
    private let condition = NSCondition()
    private var partitions: [TopicPartition: PartitionProgress] = [:]
    private var nextEpoch: UInt64 = 1

    public init() {}

    /// Starts fresh progress for newly assigned partitions (replacing any previous state).
    public func assign(_ assigned: [TopicPartition]) {
        locked {
            for tp in assigned {
                partitions[tp] = PartitionProgress(epoch: nextEpoch)
                nextEpoch += 1
            }
        }
    }

    /// Forgets partitions; late acknowledgements for them are ignored.
    public func revoke(_ revoked: [TopicPartition]) {
        locked {
            for tp in revoked { partitions[tp] = nil }
            condition.broadcast()
        }
    }

    public var assignedPartitions: [TopicPartition] { locked { Array(partitions.keys) } }

    /// Registers a consumed record; nil if its partition is not assigned or the offset is not
    /// beyond the last tracked one (a re-delivery, which is processed but not tracked).
    public func track(_ tp: TopicPartition, offset: Int64) -> AckTicket? {
        locked {
            guard var progress = partitions[tp], progress.track(offset) else { return nil }
            partitions[tp] = progress
            return AckTicket(partition: tp, offset: offset, epoch: progress.epoch)
        }
    }

    /// The record's output was delivered.
    public func acknowledge(_ ticket: AckTicket) {
        locked {
            guard var progress = partitions[ticket.partition], progress.epoch == ticket.epoch else { return }
            progress.acknowledge(ticket.offset)
            partitions[ticket.partition] = progress
            if progress.pendingCount == 0 { condition.broadcast() }
        }
    }

    /// Unacknowledged records in `only` (all partitions when nil).
    public func pendingCount(in only: [TopicPartition]? = nil) -> Int {
        locked { pendingLocked(only) }
    }

    /// Waits until every tracked record of `only` is acknowledged; false on timeout.
    public func waitUntilAcknowledged(_ only: [TopicPartition]? = nil, timeout: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        condition.lock()
        defer { condition.unlock() }
        while pendingLocked(only) > 0 {
            if !condition.wait(until: deadline) { return pendingLocked(only) == 0 }
        }
        return true
    }

    /// Offsets (next to read) whose commit would move past the last commit, per partition.
    /// With `includeCommitted`, every partition's commit point (to re-commit when the outcome
    /// of earlier asynchronous commits is unknown, e.g. on revocation and shutdown).
    public func commitCandidates(in only: [TopicPartition]? = nil, includeCommitted: Bool = false) -> [TopicPartitionOffset] {
        locked {
            partitions.compactMap { tp, progress -> TopicPartitionOffset? in
                if let only, !only.contains(tp) { return nil }
                let offset = includeCommitted ? progress.commitPoint : progress.commitCandidate
                return offset.map { TopicPartitionOffset(tp, offset: $0) }
            }.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        }
    }

    /// Records that these offsets were handed to a commit.
    public func markCommitted(_ offsets: [TopicPartitionOffset]) {
        locked {
            for o in offsets {
                guard var progress = partitions[o.topicPartition] else { continue }
                progress.committed = max(progress.committed ?? o.offset, o.offset)
                partitions[o.topicPartition] = progress
            }
        }
    }

    /// A commit of these offsets failed: make them candidates again.
    public func commitFailed(_ offsets: [TopicPartitionOffset]) {
        locked {
            for o in offsets {
                guard var progress = partitions[o.topicPartition], progress.committed == o.offset else { continue }
                progress.committed = nil
                partitions[o.topicPartition] = progress
            }
        }
    }

    /// Per assigned partition: records waiting, the oldest of them, and the commit point.
    public func snapshot() -> [TopicPartition: PartitionSnapshot] {
        locked {
            partitions.mapValues {
                PartitionSnapshot(pending: $0.pendingCount, firstPending: $0.firstPending, commitPoint: $0.commitPoint)
            }
        }
    }

    /// The next offset to commit of a partition (acknowledged prefix + 1).
    public func commitPoint(_ tp: TopicPartition) -> Int64? { locked { partitions[tp]?.commitPoint } }

    private func pendingLocked(_ only: [TopicPartition]?) -> Int {
        guard let only else { return partitions.values.reduce(0) { $0 + $1.pendingCount } }
        return only.reduce(0) { $0 + (partitions[$1]?.pendingCount ?? 0) }
    }

    private func locked<R>(_ body: () throws -> R) rethrows -> R {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }
}

/// One partition's progress, as `OffsetTracker.snapshot` reports it.
public struct PartitionSnapshot: Sendable, Hashable {
    /// Records consumed and not acknowledged (or acknowledged behind one that is not).
    public var pending: Int
    /// The oldest unacknowledged offset.
    public var firstPending: Int64?
    /// One past the acknowledged prefix (nil until the first acknowledgement).
    public var commitPoint: Int64?
}
