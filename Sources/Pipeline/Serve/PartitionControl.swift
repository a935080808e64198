import Kafka
import Logging

/// What `serve` does per partition besides feeding records in: stops a partition at a record
/// the consumer cannot read (or steps over it when allowed), pauses partitions the pipeline
/// cannot take more of (held outputs, stopped partitions, all of them over the memory budget),
/// and reports stalls. Consumer thread only (also inside rebalance callbacks).
final class PartitionControl {
    private let settings: ProcessingSettings
    private let tracker: OffsetTracker
    private let metrics: PipelineMetrics
    private let logger: Logger
    private let stalls: StallMonitor
    private var gate = FetchGate()
    private var skipper = RecordSkipper()
    /// Partitions stopped at an unreadable record: the offset and why.
    private var stops: [TopicPartition: (offset: Int64, reason: String)] = [:]

    init(configuration: ServeConfiguration, tracker: OffsetTracker, metrics: PipelineMetrics, health: PipelineHealth, logger: Logger) {
        settings = configuration.processing
        self.tracker = tracker
        self.metrics = metrics
        self.logger = logger
        stalls = StallMonitor(timeout: configuration.stallTimeout, logInterval: configuration.stallLogInterval,
                              metrics: metrics, health: health, logger: logger)
    }

    /// Whether a record of `message`'s partition should go into the pipeline (false once the
    /// partition is stopped: records fetched after the stop are left for whoever resumes it).
    func accepts(_ message: KafkaMessage) -> Bool {
        skipper.read(message.topicPartition, offset: message.offset)
        return stops[message.topicPartition] == nil
    }

    /// An error event from the consumer; true if it was about an unreadable record.
    func handleError(_ error: KafkaError, of message: KafkaMessage, consumer: KafkaConsumer) -> Bool {
        guard ConsumerEvent(error, offset: message.offset) == .unreadableRecord else { return false }
        let tp = message.topicPartition, offset = message.offset
        if settings.skipUnreadableRecords {
            let (target, isNew) = skipper.skip(tp, at: offset)
            if isNew {
                metrics.recordUnreadableRecord(.skipped)
                logger.warning("skipping unreadable record", metadata: ["partition": "\(tp)", "offset": "\(offset)", "error": "\(error)"])
            }
            do {
                try consumer.seek([TopicPartitionOffset(tp, offset: target)], timeout: .seconds(5))
            } catch {
                logger.warning("seek past unreadable record failed: \(error)")
            }
        } else if stops[tp] == nil {
            stops[tp] = (offset, "unreadable record: \(error.name) (\(error.message)); --skip-unreadable-records steps over it")
            // Tracked and never acknowledged: the commit point cannot pass it.
            _ = tracker.track(tp, offset: offset)
            metrics.recordUnreadableRecord(.stopped)
        }
        return true
    }

    /// Applies pauses and re-evaluates stalls (call often; cheap).
    func refresh(core: PipelineCore, consumer: KafkaConsumer) {
        let holds = core.holds
        let bytes = core.inFlightBytes
        metrics.inFlightBytes.record(bytes)
        let assigned = Set(tracker.assignedPartitions)
        var wanted = Set(holds.keys).union(stops.keys)
        if gate.overBudget(bytes: bytes, limit: settings.maxInFlightBytes) { wanted.formUnion(assigned) }
        gate.apply(wanted, assigned: assigned, consumer: consumer, logger: logger)
        metrics.pausedPartitions.record(gate.paused.count)
        stalls.update(progress: tracker.snapshot(), holds: holds, stops: stops)
    }

    /// After a record went in: applies the pauses at once if it took in-flight memory over the
    /// budget, so the budget is overshot by at most about one record.
    func afterIntake(core: PipelineCore, consumer: KafkaConsumer) {
        if gate.crossesBudget(bytes: core.inFlightBytes, limit: settings.maxInFlightBytes) { refresh(core: core, consumer: consumer) }
    }

    /// Partitions assigned or revoked start afresh (unpaused, not stopped).
    func reset(_ partitions: [TopicPartition], consumer: KafkaConsumer?) {
        gate.reset(partitions, consumer: consumer)
        skipper.forget(partitions)
        for tp in partitions { stops[tp] = nil }
    }
}
