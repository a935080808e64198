import Kafka
import Logging

/// Pauses and resumes assigned partitions so the consumer fetches only what the pipeline can
/// take: partitions held by an output waiting for a resend, stopped or finished ones, and all of
/// them while in-flight memory is over its budget. Consumer thread only.
struct FetchGate {
    private(set) var paused: Set<TopicPartition> = []
    private var memoryFull = false

    /// Whether in-flight bytes are over the budget: true from `limit` on, until they fall below
    /// three quarters of it (so consumption does not flap at the limit).
    /// True when a record just taken in crossed the budget while consumption was not yet paused
    /// for memory: the caller should apply the pauses now rather than at its next refresh.
    func crossesBudget(bytes: Int, limit: Int) -> Bool { !memoryFull && bytes >= limit }

    mutating func overBudget(bytes: Int, limit: Int) -> Bool {
        if bytes >= limit { memoryFull = true } else if bytes < limit - limit / 4 { memoryFull = false }
        return memoryFull
    }

    /// Makes `wanted ∩ assigned` the paused set.
    mutating func apply(_ wanted: Set<TopicPartition>, assigned: Set<TopicPartition>, consumer: KafkaConsumer, logger: Logger) {
        let target = wanted.intersection(assigned)
        let pause = target.subtracting(paused), resume = paused.subtracting(target).intersection(assigned)
        if !pause.isEmpty {
            do { try consumer.pause(Array(pause)) } catch { logger.warning("pause failed: \(error)") }
        }
        if !resume.isEmpty {
            do { try consumer.resume(Array(resume)) } catch { logger.warning("resume failed: \(error)") }
        }
        paused = target
    }

    /// Partitions that were (re)assigned or revoked start unpaused. Resumed explicitly, since a
    /// partition paused before a rebalance may come back paused.
    mutating func reset(_ partitions: [TopicPartition], consumer: KafkaConsumer?) {
        let wasPaused = partitions.filter { paused.contains($0) }
        paused.subtract(partitions)
        if let consumer, !wasPaused.isEmpty { try? consumer.resume(wasPaused) }
    }
}
