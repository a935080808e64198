import Foundation
import Kafka

/// Samples consumer lag of every tracked partition on its own thread, so slow broker queries
/// never hold up consumption.
///
/// Lag (`fastbert_consumer_lag`, the only definition in the project) is the number of records
/// the group has not finished: `high watermark - resume offset`, where the resume offset is
/// where the group would restart after a crash: the tracker's commit point (one past the
/// acknowledged prefix) or, before anything of the partition was acknowledged, the group's
/// committed offset, or without one the low watermark (serve starts there,
/// `auto.offset.reset=earliest`).
final class LagMonitor: @unchecked Sendable {
    private let stopped = Latch()
    private let finished = Latch()
    private let started = Locked(false)

    static func lag(_ marks: WatermarkOffsets, commitPoint: Int64?, committed: Int64?) -> Int64 {
        let resume = commitPoint ?? committed.flatMap { $0 >= 0 ? $0 : nil } ?? marks.low
        return max(0, marks.high - resume)
    }

    /// Each round also hands the total over the partitions it could read to `onTotal`.
    func start(consumer: KafkaConsumer, tracker: OffsetTracker, metrics: PipelineMetrics, interval: Duration,
               onTotal: @escaping @Sendable (Int64) -> Void = { _ in }) {
        started.set(true)
        PipelineThread.start(name: "fastbert-lag") { [stopped, finished] in
            while !stopped.wait(timeout: interval) {
                var total: Int64 = 0
                for tp in tracker.assignedPartitions {
                    guard let marks = try? consumer.watermarks(topic: tp.topic, partition: tp.partition, timeout: .seconds(2)) else { continue }
                    let commitPoint = tracker.commitPoint(tp)
                    let committed = commitPoint == nil ? (try? consumer.committed([tp], timeout: .seconds(2)))?.first?.offset : nil
                    // Revoked while sampling: its series was dropped and stays dropped.
                    guard tracker.assignedPartitions.contains(tp) else { continue }
                    let lag = Self.lag(marks, commitPoint: commitPoint, committed: committed)
                    metrics.recordLag(lag, partition: tp)
                    total += lag
                }
                onTotal(total)
            }
            finished.signal()
        }
    }

    func stop() {
        stopped.signal()
        guard started.current else { return }
        finished.wait(timeout: .seconds(5))
    }
}
