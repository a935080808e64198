import Kafka
import Logging

/// Decides which partitions are stalled and makes them visible: `/readyz` turns 503 and lists
/// them, `fastbert_stalled_partitions` counts them, `fastbert_partition_stalled{topic,partition}`
/// is 1 for each, and each is logged once per `logInterval` with its reason.
///
/// A partition is stalled when one of its outputs cannot be written for a reason retrying does
/// not fix (`PartitionHold.stalled`), when the consumer stopped it at an unreadable record, or
/// when its commit point has not moved for `timeout` while records wait (whatever the cause,
/// e.g. a transient produce error that never ends). Runs on the consumer thread.
final class StallMonitor {
    private let timeout: Duration
    private let logInterval: Duration
    private let metrics: PipelineMetrics
    private let health: PipelineHealth
    private let logger: Logger
    /// Per partition: the commit point last seen and since when it has not moved.
    private var watched: [TopicPartition: (commitPoint: Int64?, since: ContinuousClock.Instant)] = [:]
    private var stalled: [TopicPartition: String] = [:]
    private var lastLogged: [TopicPartition: ContinuousClock.Instant] = [:]

    init(timeout: Duration, logInterval: Duration, metrics: PipelineMetrics, health: PipelineHealth, logger: Logger) {
        self.timeout = timeout
        self.logInterval = logInterval
        self.metrics = metrics
        self.health = health
        self.logger = logger
    }

    /// Re-evaluates every tracked partition.
    /// - Parameters:
    ///   - holds: the publisher's held partitions.
    ///   - stops: partitions the consumer stopped, with the offset and reason.
    func update(
        progress: [TopicPartition: PartitionSnapshot], holds: [TopicPartition: PartitionHold],
        stops: [TopicPartition: (offset: Int64, reason: String)], now: ContinuousClock.Instant = .now
    ) {
        var current: [TopicPartition: String] = [:]
        for (tp, snapshot) in progress {
            if let seen = watched[tp], seen.commitPoint == snapshot.commitPoint, snapshot.pending > 0 {
                // unchanged: keep `since`
            } else {
                watched[tp] = (snapshot.commitPoint, now)
            }
            if let stop = stops[tp] {
                current[tp] = "at offset \(stop.offset): \(stop.reason)"
            } else if let hold = holds[tp], hold.stalled {
                current[tp] = "at offset \(hold.offset): \(hold.reason)"
            } else if snapshot.pending > 0, let since = watched[tp]?.since, now - since >= timeout {
                let offset = snapshot.firstPending ?? snapshot.commitPoint ?? -1
                var reason = "at offset \(offset): no output acknowledged for \(Self.describe(now - since)), \(snapshot.pending) record(s) waiting"
                if let hold = holds[tp] { reason += "; retrying: \(hold.reason)" }
                current[tp] = reason
            }
        }
        for tp in watched.keys where progress[tp] == nil { watched[tp] = nil }
        apply(current, now: now)
    }

    private func apply(_ current: [TopicPartition: String], now: ContinuousClock.Instant) {
        for tp in stalled.keys where current[tp] == nil {
            metrics.recordStalled(false, partition: tp)
            lastLogged[tp] = nil
            logger.notice("partition \(tp) recovered")
        }
        for (tp, reason) in current {
            if stalled[tp] == nil { metrics.recordStalled(true, partition: tp) }
            if let last = lastLogged[tp], now - last < logInterval { continue }
            lastLogged[tp] = now
            logger.error("partition \(tp) stalled \(reason); nothing from there on is committed until it recovers")
        }
        if current != stalled {
            stalled = current
            health.setStalled(current)
            metrics.stalledPartitions.record(current.count)
        }
    }

    private static func describe(_ d: Duration) -> String {
        let s = d.components.seconds
        return s >= 1 ? "\(s) s" : "\(d.components.attoseconds / 1_000_000_000_000_000) ms"
    }
}
