import Dispatch
import Foundation
import Kafka
import Logging

/// Produces outputs and dead letters and turns delivery reports into tracker
/// acknowledgements. A record counts as done only when the broker acknowledged it. A failed
/// send or delivery is handled by its `ProduceFailure` class: transient failures are resent
/// with exponential backoff; a record the broker refuses for good is replaced by a dead letter
/// (and a dead letter by a smaller one); a missing or unwritable topic stalls the record,
/// which is then retried at the longest backoff. While any output of a source partition
/// waits for a resend, `holds` reports that partition, so its consumer can pause it. Thread-safe.
final class OutputPublisher: @unchecked Sendable {
    private struct Pending {
        var message: OutgoingMessage
        var bytes: Int
        var attempts = 0
        var hold: PartitionHold?
    }

    private let producer: KafkaProducer
    private let encoder: RecordEncoder
    private let tracker: OffsetTracker
    private let metrics: PipelineMetrics
    private let logger: Logger
    private let state: State
    private let retryQueue = DispatchQueue(label: "fastbert.produce-retry")

    /// Shared with the delivery-report closure (created before `self`).
    private final class State: @unchecked Sendable {
        let condition = NSCondition()
        var pending: [UInt64: Pending] = [:]
        var bytes = 0
        var nextContext: UInt64 = 1
        var fatal: KafkaError?
        var closing = false
    }

    init(
        config: KafkaConfig, encoder: RecordEncoder, tracker: OffsetTracker, metrics: PipelineMetrics, logger: Logger,
        onFatal: @escaping @Sendable (KafkaError) -> Void
    ) throws(PipelineError) {
        let state = State()
        let box = WeakPublisher()
        self.state = state
        self.encoder = encoder
        self.tracker = tracker
        self.metrics = metrics
        self.logger = logger
        do {
            producer = try KafkaProducer(
                config: config, logger: logger, queueFullTimeout: .seconds(5),
                onError: { error in
                    if error.isFatal { onFatal(error) }
                },
                onDelivery: { report in box.publisher?.delivered(report, onFatal: onFatal) })
        } catch {
            throw .kafka(error)
        }
        box.publisher = self
    }

    /// Breaks the publisher -> producer -> delivery closure -> publisher cycle, so the producer
    /// (and its connections) go away with the pipeline.
    private final class WeakPublisher: @unchecked Sendable {
        weak var publisher: OutputPublisher?
    }

    /// Outputs produced but not yet acknowledged (including those waiting for a retry).
    var pendingCount: Int { locked { state.pending.count } }

    /// Bytes held by those outputs (`OutgoingMessage.heldBytes`).
    var pendingBytes: Int { locked { state.bytes } }

    /// Source partitions with an output waiting to be resent, and why (a stall wins over a
    /// retry; the offset is the lowest such input's).
    var holds: [TopicPartition: PartitionHold] {
        locked {
            var holds: [TopicPartition: PartitionHold] = [:]
            for entry in state.pending.values {
                guard let hold = entry.hold else { continue }
                let tp = entry.message.source.topicPartition
                if let other = holds[tp], other.outranks(hold) { continue }
                holds[tp] = hold
            }
            return holds
        }
    }

    /// Sends `message`; its ticket is acknowledged once the broker confirms it.
    func publish(_ message: OutgoingMessage) {
        let bytes = message.heldBytes
        let context: UInt64 = locked {
            let context = state.nextContext
            state.nextContext += 1
            state.pending[context] = Pending(message: message, bytes: bytes)
            state.bytes += bytes
            return context
        }
        metrics.inFlight.increment()
        send(context: context, message: message)
    }

    /// Forgets the outputs of revoked partitions (their acknowledgements would no longer
    /// count): no more resends; reports for those already with the producer are ignored.
    func abandon(_ partitions: Set<TopicPartition>) {
        let dropped: Int = locked {
            let gone = state.pending.filter { partitions.contains($0.value.message.source.topicPartition) }
            for (context, entry) in gone {
                state.pending[context] = nil
                state.bytes -= entry.bytes
            }
            if state.pending.isEmpty { state.condition.broadcast() }
            return gone.count
        }
        for _ in 0..<dropped { metrics.inFlight.decrement() }
    }

    /// Waits until nothing is pending; false on timeout.
    func waitUntilIdle(timeout: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(timeout.seconds)
        state.condition.lock()
        defer { state.condition.unlock() }
        while !state.pending.isEmpty {
            if state.fatal != nil { return false }
            if !state.condition.wait(until: deadline) { return state.pending.isEmpty }
        }
        return true
    }

    /// Stops retrying and closes the producer (pending outputs are purged, not acknowledged).
    func close(timeout: Duration) {
        locked { state.closing = true }
        do {
            try producer.close(timeout: timeout)
        } catch {
            logger.warning("producer close: \(error)")
        }
    }

    private func send(context: UInt64, message: OutgoingMessage) {
        do {
            try producer.send(
                topic: message.topic, key: message.key, value: message.value, headers: message.headers,
                partition: message.partition, context: context)
        } catch {
            failed(context: context, error: error, status: .notPersisted)
        }
    }

    /// Delivery report, on the producer's poll thread.
    private func delivered(_ report: DeliveryReport, onFatal: @Sendable (KafkaError) -> Void) {
        if let error = report.error {
            if error.isFatal || producer.fatalError != nil {
                let fatal = producer.fatalError ?? error
                locked {
                    state.fatal = fatal
                    state.condition.broadcast()
                }
                onFatal(fatal)
                return
            }
            failed(context: report.context, error: error, status: report.status)
            return
        }
        let entry: Pending? = locked {
            let entry = state.pending.removeValue(forKey: report.context)
            if let entry { state.bytes -= entry.bytes }
            if state.pending.isEmpty { state.condition.broadcast() }
            return entry
        }
        guard let entry else { return }
        metrics.inFlight.decrement()
        let message = entry.message
        if let ticket = message.ticket { tracker.acknowledge(ticket) }
        switch message.kind {
        case .result: metrics.messagesOut.increment()
        case .deadLetter(let reason): metrics.recordDeadLetter(reason)
        }
        metrics.endToEnd.recordNanoseconds(Int64(clamping: MonotonicTime.now() &- message.receivedNanos))
    }

    /// A send or delivery failed: resend (as is, later; or replaced, now) unless closing.
    private func failed(context: UInt64, error: KafkaError, status: DeliveryReport.Status) {
        let failure = ProduceFailure(error)
        metrics.recordProduceError(failure)
        // Resending may write the output a second time (docs/pipeline.md, "Delivery guarantee").
        if status == .possiblyPersisted { metrics.possibleDuplicates.increment() }
        let plan: (message: OutgoingMessage, delayMs: Int, attempts: Int, replaced: Bool)? = locked {
            guard !state.closing, var entry = state.pending[context] else { return nil }
            var replaced = false
            if failure == .recordRejected, let next = encoder.replacement(for: entry.message, error: error) {
                let bytes = next.heldBytes
                state.bytes += bytes - entry.bytes
                entry = Pending(message: next, bytes: bytes)
                replaced = true
            } else {
                entry.attempts += 1
                let stalled = failure != .transient
                let reason = stalled && failure == .recordRejected
                    ? "topic '\(entry.message.topic)' refuses the dead letter even without the input's key, value and headers: \(error.name) (\(error.message))"
                    : "topic '\(entry.message.topic)': \(error.name) (\(error.message))"
                entry.hold = PartitionHold(stalled: stalled, reason: reason, offset: entry.message.source.offset)
            }
            state.pending[context] = entry
            let delayMs = replaced ? 0 : entry.hold?.stalled == true ? Self.maxBackoffMs : min(100 << min(entry.attempts - 1, 7), Self.maxBackoffMs)
            return (entry.message, delayMs, entry.attempts, replaced)
        }
        guard let plan else { return }
        if plan.replaced {
            logger.warning("output refused by the broker; sending a dead letter instead", metadata: [
                "topic": "\(plan.message.topic)", "source": "\(plan.message.source.topicPartition)@\(plan.message.source.offset)",
                "dropped": "\(plan.message.dropped.map { "\($0)" }.sorted())", "error": "\(error)",
            ])
        } else {
            metrics.produceRetries.increment()
            if failure == .transient, plan.attempts == 1 || plan.attempts % 10 == 0 {
                logger.warning("produce failed, retrying", metadata: [
                    "topic": "\(plan.message.topic)", "attempt": "\(plan.attempts)", "delay_ms": "\(plan.delayMs)", "error": "\(error)",
                ])
            }
        }
        retryQueue.asyncAfter(deadline: .now() + .milliseconds(plan.delayMs)) { [self] in
            // The entry may have been acknowledged meanwhile (a late report), abandoned, or replaced.
            let current: OutgoingMessage? = locked { state.closing ? nil : state.pending[context]?.message }
            if let current { send(context: context, message: current) }
        }
    }

    private static let maxBackoffMs = 10_000

    private func locked<R>(_ body: () throws -> R) rethrows -> R {
        state.condition.lock()
        defer { state.condition.unlock() }
        return try body()
    }
}

/// Why a source partition's consumption is held back by one of its outputs.
struct PartitionHold: Sendable, Hashable {
    /// A permanent failure (missing or unwritable topic, a dead letter no topic takes), as
    /// opposed to a transient one being retried.
    var stalled: Bool
    var reason: String
    /// The source offset of the held output.
    var offset: Int64

    func outranks(_ other: PartitionHold) -> Bool {
        stalled != other.stalled ? stalled : offset <= other.offset
    }
}
