import Dispatch
import Foundation
import Kafka
import Logging

/// Produces outputs and dead letters and turns delivery reports into tracker
/// acknowledgements. A record counts as done only when the broker acknowledged it; failed
/// deliveries and rejected sends are retried with exponential backoff until they succeed,
/// the producer fails fatally, or `close` gives up. Thread-safe.
final class OutputPublisher: @unchecked Sendable {
    private struct Pending {
        var message: OutgoingMessage
        var attempts: Int
    }

    private let producer: KafkaProducer
    private let tracker: OffsetTracker
    private let metrics: PipelineMetrics
    private let logger: Logger
    private let state: State
    private let retryQueue = DispatchQueue(label: "fastbert.produce-retry")

    /// Shared with the delivery-report closure (created before `self`).
    private final class State: @unchecked Sendable {
        let condition = NSCondition()
        var pending: [UInt64: Pending] = [:]
        var nextContext: UInt64 = 1
        var fatal: KafkaError?
        var closing = false
    }

    init(
        config: KafkaConfig, tracker: OffsetTracker, metrics: PipelineMetrics, logger: Logger,
        onFatal: @escaping @Sendable (KafkaError) -> Void
    ) throws(PipelineError) {
        let state = State()
        let box = WeakPublisher()
        self.state = state
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
    var pendingCount: Int {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.pending.count
    }

    /// Sends `message`; its ticket is acknowledged once the broker confirms it.
    func publish(_ message: OutgoingMessage) {
        state.condition.lock()
        let context = state.nextContext
        state.nextContext += 1
        state.pending[context] = Pending(message: message, attempts: 0)
        state.condition.unlock()
        metrics.inFlight.increment()
        send(context: context, message: message)
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
        state.condition.lock()
        state.closing = true
        state.condition.unlock()
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
            failed(context: context, error: error)
        }
    }

    /// Delivery report, on the producer's poll thread.
    private func delivered(_ report: DeliveryReport, onFatal: @Sendable (KafkaError) -> Void) {
        if let error = report.error {
            if error.isFatal || producer.fatalError != nil {
                let fatal = producer.fatalError ?? error
                state.condition.lock()
                state.fatal = fatal
                state.condition.broadcast()
                state.condition.unlock()
                onFatal(fatal)
                return
            }
            failed(context: report.context, error: error)
            return
        }
        state.condition.lock()
        let entry = state.pending.removeValue(forKey: report.context)
        if state.pending.isEmpty { state.condition.broadcast() }
        state.condition.unlock()
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

    /// A send or delivery failed: schedule a resend with backoff (unless closing).
    private func failed(context: UInt64, error: KafkaError) {
        state.condition.lock()
        guard !state.closing, var entry = state.pending[context] else {
            state.condition.unlock()
            return
        }
        entry.attempts += 1
        if Self.isTooLarge(error), entry.message.value != nil, case .deadLetter = entry.message.kind {
            // A dead letter must not block its partition forever: forward it without the value.
            entry.message.value = nil
            entry.message.headers.append(KafkaHeader(DeadLetterHeaders.valueDropped, "true"))
        }
        state.pending[context] = entry
        state.condition.unlock()
        metrics.produceRetries.increment()
        let delayMs = min(100 << min(entry.attempts - 1, 7), 10_000)
        if entry.attempts == 1 || entry.attempts % 10 == 0 {
            logger.warning("produce failed, retrying", metadata: [
                "topic": "\(entry.message.topic)", "attempt": "\(entry.attempts)", "delay_ms": "\(delayMs)", "error": "\(error)",
            ])
        }
        let message = entry.message
        retryQueue.asyncAfter(deadline: .now() + .milliseconds(delayMs)) { [self] in
            send(context: context, message: message)
        }
    }

    private static func isTooLarge(_ error: KafkaError) -> Bool {
        error.code.rawValue == 10 || error.name.contains("MSG_SIZE_TOO_LARGE")
    }
}
