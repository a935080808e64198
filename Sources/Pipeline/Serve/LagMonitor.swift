import Foundation
import Kafka

/// Samples consumer lag (high watermark - next offset to commit) of every tracked partition
/// on its own thread, so slow broker queries never hold up consumption.
final class LagMonitor: @unchecked Sendable {
    private let stopped = Latch()
    private let finished = Latch()
    private let started = Locked(false)

    func start(consumer: KafkaConsumer, tracker: OffsetTracker, metrics: PipelineMetrics, interval: Duration) {
        started.set(true)
        PipelineThread.start(name: "fastbert-lag") { [stopped, finished] in
            while !stopped.wait(timeout: interval) {
                for tp in tracker.assignedPartitions {
                    guard let marks = try? consumer.watermarks(topic: tp.topic, partition: tp.partition, timeout: .seconds(2)) else { continue }
                    var base = tracker.commitPoint(tp)
                    if base == nil, let position = try? consumer.position([tp]).first?.offset, position >= 0 { base = position }
                    guard let base else { continue }
                    metrics.recordLag(max(0, marks.high - base), partition: tp)
                }
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
