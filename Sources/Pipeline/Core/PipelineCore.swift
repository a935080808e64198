import Jobs
import FastBERT
import Kafka
import Logging
import Tokenizers

/// The source-independent middle of a pipeline: decode and validate -> tokenize ->
/// micro-batch -> early-exit engine -> encode -> produce -> acknowledge in the tracker.
/// Rejected records become dead letters. Used by `GroupFetchLoop` (consumer group) and
/// `ReplayPipeline` (assigned ranges), which feed it records and commit what the tracker
/// says is done; the queue, the inference worker and the publisher are its own.
final class PipelineCore: @unchecked Sendable {
    private let tracker: OffsetTracker
    private let metrics: PipelineMetrics
    private let settings: ProcessingSettings
    private let model: ModelBundle
    private let encoder: RecordEncoder
    private let logger: Logger
    private let queue: BatchQueue
    private let worker: InferenceWorker
    /// The exit in force; serve's lag monitor feeds it when the speed is adaptive.
    let exits: ExitControl
    private let publisher: OutputPublisher
    /// Input bytes of valid records from intake until their output is handed to the publisher
    /// (waiting in the queue or in the engine).
    private let unpublishedBytes = Locked(0)

    init(
        model: ModelBundle, settings: ProcessingSettings, producerConfig: KafkaConfig, tracker: OffsetTracker,
        metrics: PipelineMetrics, logger: Logger, onFatal: @escaping @Sendable (KafkaError) -> Void
    ) throws(PipelineError) {
        self.model = model
        self.settings = settings
        self.tracker = tracker
        self.metrics = metrics
        self.logger = logger
        queue = BatchQueue(capacity: settings.queueCapacity)
        exits = ExitControl(rule: settings.exit, numLayers: model.numLayers, metrics: metrics, logger: logger)
        encoder = RecordEncoder(routing: settings.routing, modelId: model.modelId, labels: model.labels, numLayers: model.numLayers)
        publisher = try OutputPublisher(
            config: producerConfig, encoder: encoder, tracker: tracker, metrics: metrics, logger: logger, onFatal: onFatal)
        worker = InferenceWorker(
            model: model.model, queue: queue, maxBatch: settings.maxBatch, maxWait: settings.maxWait,
            maxPoolWait: settings.maxPoolWait, exits: exits, threads: model.threads)
    }

    /// Builds the engine on its thread and starts inference.
    func start() throws(PipelineError) {
        try worker.start { [unowned self] outcome in handle(outcome) }
    }

    /// Takes one consumed record: tracks it, then queues it for inference or dead-letters it.
    /// Blocks while the inference queue is full.
    func intake(_ message: KafkaMessage) {
        let received = MonotonicTime.now()
        metrics.messagesIn.increment()
        let ticket = tracker.track(message.topicPartition, offset: message.offset)
        let headerSpeed = ExitControl.headerSpeed(message)
        if case .failure(let rejection) = headerSpeed {
            publisher.publish(encoder.deadLetter(for: message, rejection: rejection, ticket: ticket, receivedNanos: received))
            return
        }
        switch settings.decoder.decode(message.value) {
        case .failure(let rejection):
            publisher.publish(encoder.deadLetter(for: message, rejection: rejection, ticket: ticket, receivedNanos: received))
        case .success(let text):
            let tokens = model.tokenIds(text)
            let item = WorkItem(message: message, ticket: ticket, tokens: tokens, receivedNanos: received,
                                headerSpeed: try? headerSpeed?.get())
            unpublishedBytes.withLock { $0 += item.heldBytes }
            if !queue.push(item) { unpublishedBytes.withLock { $0 -= item.heldBytes } }
        }
    }

    /// Drops the queued records and pending outputs of revoked partitions (their
    /// acknowledgements no longer count once the tracker forgot the partitions); returns how
    /// many queued records were dropped.
    @discardableResult
    func revoke(_ partitions: Set<TopicPartition>) -> Int {
        publisher.abandon(partitions)
        let dropped = queue.removeAll(partitions: partitions)
        unpublishedBytes.withLock { $0 -= dropped.reduce(0) { $0 + $1.heldBytes } }
        return dropped.count
    }

    /// Outputs produced but not yet acknowledged (including those waiting for a retry).
    var pendingOutputs: Int { publisher.pendingCount }

    /// Bytes held for records waiting for inference and for outputs waiting for their
    /// acknowledgement (the in-flight memory `maxInFlightBytes` bounds).
    var inFlightBytes: Int { unpublishedBytes.current + publisher.pendingBytes }

    /// Source partitions whose consumption an output waiting for a resend holds back.
    var holds: [TopicPartition: PartitionHold] { publisher.holds }

    /// Ends intake and waits (until `deadline`) for queued records to be classified and every
    /// output to be acknowledged. False if time ran out (inference is then aborted).
    func drain(deadline: ContinuousClock.Instant) -> Bool {
        queue.close()
        let clock = ContinuousClock()
        if !worker.join(timeout: max(.zero, deadline - clock.now)) {
            worker.abort()
            logger.warning("drain: inference did not finish in time", metadata: ["queued": "\(queue.count)"])
            return false
        }
        return publisher.waitUntilIdle(timeout: max(.zero, deadline - clock.now))
    }

    /// Ends intake without draining (the inference thread stops after its current batch),
    /// then closes the producer, waiting up to `timeout` for outputs in flight.
    func close(timeout: Duration) {
        queue.close()
        worker.abort()
        publisher.close(timeout: timeout)
    }

    /// One step of the inference thread: a micro-batch taken and the records that finished (inference thread).
    private func handle(_ outcome: BatchOutcome) {
        if outcome.taken > 0 { metrics.batchSize.record(outcome.taken) }
        // From taking the oldest finished record's batch: with pools this includes its pool wait.
        if let oldest = outcome.startedNanos.min() {
            metrics.inference.recordNanoseconds(Int64(clamping: outcome.finishedNanos &- oldest))
        }
        if let work = outcome.work { metrics.layerTime.record(work) }
        for (index, item) in outcome.items.enumerated() {
            let result = outcome.predictions[index], exit = outcome.exits[index]
            metrics.queueWait.recordNanoseconds(Int64(clamping: outcome.startedNanos[index] &- item.receivedNanos))
            switch result {
            case .success(let prediction):
                metrics.recordExit(layer: prediction.exitLayer)
                do {
                    publisher.publish(try encoder.result(for: item, prediction: prediction, exit: exit))
                } catch {
                    deadLetter(item, detail: "cannot encode result: \(error)")
                }
            case .failure(let failure):
                deadLetter(item, detail: failure.message)
            }
            unpublishedBytes.withLock { $0 -= item.heldBytes }
        }
    }

    private func deadLetter(_ item: WorkItem, detail: String) {
        publisher.publish(encoder.deadLetter(
            for: item.message, rejection: InputRejection(.inferenceFailed, detail), ticket: item.ticket,
            receivedNanos: item.receivedNanos))
    }
}
