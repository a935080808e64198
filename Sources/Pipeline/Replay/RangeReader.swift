import Kafka
import Logging

/// The consumer loop of a replay: reads the assigned partitions to their range ends into the
/// pipeline core, pausing finished and held partitions (and all of them over the memory
/// budget), and stops with an error naming the partition and the offsets not read when the
/// range cannot be covered: an offset reset, a deleted topic or partition, an unreadable
/// record (unless skipping is allowed), or outputs that cannot be written.
struct RangeReader {
    let topic: String
    let consumer: KafkaConsumer
    let admin: KafkaAdmin
    let core: PipelineCore
    let settings: ProcessingSettings
    let metrics: PipelineMetrics
    let logger: Logger
    /// Unreadable records stepped over.
    private(set) var skipped: Int64 = 0
    /// The input topic or one of its partitions disappeared (see `KafkaConsumer.abandonHandle`).
    private(set) var topicGone = false
    private var gate = FetchGate()
    private var skipper = RecordSkipper()

    init(
        topic: String, consumer: KafkaConsumer, admin: KafkaAdmin, core: PipelineCore, settings: ProcessingSettings,
        metrics: PipelineMetrics, logger: Logger
    ) {
        self.topic = topic
        self.consumer = consumer
        self.admin = admin
        self.core = core
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
    }

    /// Reads until every partition is done or a stop is requested; the error that ended it early.
    mutating func read(
        _ progress: inout ReplayProgress, stopRequested: Locked<Bool>, onProgress: (_ scanned: Int64) -> Void
    ) -> PipelineError? {
        let clock = ContinuousClock()
        var nextRefresh = clock.now
        var nextTopicCheck = clock.now.advanced(by: Self.topicCheckInterval)
        var lastErrorLog = clock.now.advanced(by: .seconds(-60))
        while !stopRequested.current, !progress.isComplete {
            if let message = consumer.poll(timeout: .milliseconds(100)) {
                if let error = message.error {
                    if let failure = handle(error, of: message, progress: &progress) { return failure }
                    if ConsumerEvent(error, offset: message.offset) == .other, clock.now - lastErrorLog > .seconds(5) {
                        logger.warning("consumer error: \(error)")
                        lastErrorLog = clock.now
                    }
                } else {
                    skipper.read(message.topicPartition, offset: message.offset)
                    if progress.classify(message) == .process {
                        core.intake(message)
                        if gate.crossesBudget(bytes: core.inFlightBytes, limit: settings.maxInFlightBytes),
                           let failure = refresh(progress) { return failure }
                    }
                }
            }
            if clock.now >= nextRefresh {
                if let failure = refresh(progress) { return failure }
                onProgress(progress.scanned)
                nextRefresh = clock.now.advanced(by: .milliseconds(100))
            }
            if clock.now >= nextTopicCheck {
                if let failure = checkTopic(progress) { return failure }
                nextTopicCheck = clock.now.advanced(by: Self.topicCheckInterval)
            }
        }
        return nil
    }

    /// librdkafka 2.0.2 reports nothing for an assigned partition whose topic was deleted (it
    /// just stops fetching), so the replay asks the cluster itself this often.
    static let topicCheckInterval: Duration = .seconds(2)

    private mutating func handle(_ error: KafkaError, of message: KafkaMessage, progress: inout ReplayProgress) -> PipelineError? {
        let tp = message.topicPartition
        switch ConsumerEvent(error, offset: message.offset) {
        case .endOfPartition:
            _ = progress.classify(message)
            return nil
        case .offsetReset:
            return .replayIncomplete(
                "\(tp): offset \(message.offset) is no longer on the broker (\(error.name): \(error.message)); "
                    + "not read: \(progress.unread(topic: topic))")
        case .partitionGone:
            topicGone = true
            return .replayIncomplete("\(tp) is gone (\(error.name): \(error.message)); not read: \(progress.unread(topic: topic))")
        case .unreadableRecord:
            guard settings.skipUnreadableRecords else {
                return .replayIncomplete(
                    "\(tp): unreadable record at offset \(message.offset) (\(error.name): \(error.message)); "
                        + "--skip-unreadable-records steps over it; not read: \(progress.unread(topic: topic))")
            }
            let (target, isNew) = skipper.skip(tp, at: message.offset)
            if isNew {
                skipped += 1
                metrics.recordUnreadableRecord(.skipped)
                logger.warning("skipping unreadable record", metadata: ["partition": "\(tp)", "offset": "\(message.offset)", "error": "\(error)"])
            }
            do {
                try consumer.seek([TopicPartitionOffset(tp, offset: target)], timeout: .seconds(5))
            } catch {
                logger.warning("seek past unreadable record failed: \(error)")
            }
            return nil
        case .other:
            return nil
        }
    }

    /// Pauses what should not be fetched; fails if an output can never be written.
    private mutating func refresh(_ progress: ReplayProgress) -> PipelineError? {
        let holds = core.holds
        if let (tp, hold) = holds.first(where: { $0.value.stalled }) {
            return .replayIncomplete("\(tp): the output of offset \(hold.offset) cannot be written: \(hold.reason); not read: \(progress.unread(topic: topic))")
        }
        let bytes = core.inFlightBytes
        metrics.inFlightBytes.record(bytes)
        let assigned = Set(progress.partitions.map { TopicPartition(topic: topic, partition: $0) })
        var wanted = Set(holds.keys).union(progress.completed.map { TopicPartition(topic: topic, partition: $0) })
        if gate.overBudget(bytes: bytes, limit: settings.maxInFlightBytes) { wanted.formUnion(assigned) }
        gate.apply(wanted, assigned: assigned, consumer: consumer, logger: logger)
        metrics.pausedPartitions.record(gate.paused.count)
        return nil
    }

    private mutating func checkTopic(_ progress: ReplayProgress) -> PipelineError? {
        guard let metadata = try? admin.metadata(topic: topic, timeout: .seconds(5)) else { return nil }
        let unfinished = progress.partitions.filter { !progress.isComplete($0) }
        if let error = metadata.error, ConsumerEvent(error, offset: -1) == .partitionGone {
            topicGone = true
            return .replayIncomplete("the input topic '\(topic)' is gone (\(error.name)); not read: \(progress.unread(topic: topic))")
        }
        if metadata.error == nil, let missing = unfinished.first(where: { $0 >= metadata.partitionCount }) {
            topicGone = true
            return .replayIncomplete("\(topic)[\(missing)] is gone; not read: \(progress.unread(topic: topic))")
        }
        return nil
    }
}
