import FastBERT
import Jobs
import Foundation
import Kafka
import Logging
import ServiceLifecycle

/// `fastbert replay`: classifies a fixed range of a topic into a named output topic.
/// Partitions are assigned directly (no consumer group, nothing committed); the range end is
/// captured at the start, so the replay terminates even while the topic grows. Records are
/// processed exactly like `serve` does (same decoder, engine, encoder, dead letters). A replay
/// that cannot cover its whole range (records deleted before or while it reads them, a deleted
/// topic, an unreadable record, outputs that cannot be written, an interruption) fails with
/// `PipelineError.replayIncomplete` naming the partitions and offsets not read.
public final class ReplayPipeline: Service, @unchecked Sendable {
    private let configuration: ReplayConfiguration
    private let model: ModelBundle
    private let logger: Logger
    private let stopRequested = Locked(false)
    private let fatal = Locked<KafkaError?>(nil)
    public let metrics: PipelineMetrics
    /// The summary once `run` has finished.
    public private(set) var summary: ReplaySummary?

    public init(configuration: ReplayConfiguration, model: ModelBundle, logger: Logger = Logger(label: "fastbert.replay")) {
        self.configuration = configuration
        self.model = model
        self.logger = logger
        metrics = PipelineMetrics(numLayers: model.numLayers)
    }

    public func stop() { stopRequested.set(true) }

    public func run() async throws {
        let result = await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Result<ReplaySummary, PipelineError>, Never>) in
                    PipelineThread.start(name: "fastbert-replay") { [self] in
                        continuation.resume(returning: runBlocking())
                    }
                }
            } onCancel: { [stopRequested] in stopRequested.set(true) }
        } onGracefulShutdown: { [stopRequested] in stopRequested.set(true) }
        summary = try result.get()
    }

    /// Runs the whole replay on the calling thread.
    public func runBlocking() -> Result<ReplaySummary, PipelineError> {
        do throws(PipelineError) {
            return .success(try replay())
        } catch {
            return .failure(error)
        }
    }

    private func replay() throws(PipelineError) -> ReplaySummary {
        let started = MonotonicTime.now()
        let topic = configuration.inputTopic
        let admin = try configuration.clients.admin(logger: logger)
        let plans = try ReplayPlanner.plan(
            topic: topic, start: configuration.start, end: configuration.end, admin: admin,
            partitions: configuration.partitions)
        var processing = configuration.processing
        processing.routing = try processing.routing.checked(with: admin)
        let active = plans.filter { !$0.isEmpty }
        let total = plans.reduce(0) { $0 + $1.count }
        logger.info("replay plan", metadata: [
            "topic": "\(topic)", "records": "\(total)",
            "partitions": "\(plans.map { "\($0.partition):[\($0.start),\($0.end))" })",
        ])

        let tracker = OffsetTracker()
        let core = try PipelineCore(
            model: model, settings: processing, producerConfig: configuration.clients.producer, tracker: tracker,
            metrics: metrics, logger: logger
        ) { [fatal, stopRequested] error in
            fatal.set(error)
            stopRequested.set(true)
        }
        try core.start()
        tracker.assign(active.map { TopicPartition(topic: topic, partition: $0.partition) })

        var progress = ReplayProgress(plans: active)
        let bar = configuration.showProgress ? ProgressBar(title: "replay", total: Int(total), plainInterval: 3) : nil
        func rate(_ done: Int64) -> String {
            guard let bar, bar.elapsed > 0 else { return "" }
            return String(format: "%.0f msg/s", Double(done) / bar.elapsed)
        }
        var unreadable: Int64 = 0
        if !active.isEmpty {
            let consumer: KafkaConsumer
            do {
                consumer = try KafkaConsumer(config: configuration.consumerConfig, logger: logger)
                try consumer.assign(active.map { TopicPartitionOffset(topic: topic, partition: $0.partition, offset: $0.start) })
            } catch {
                core.close(timeout: .seconds(1))
                throw .kafka(error)
            }
            var reader = RangeReader(
                topic: topic, consumer: consumer, admin: admin, core: core, settings: processing, metrics: metrics, logger: logger)
            let failure = reader.read(&progress, stopRequested: stopRequested) { scanned in
                let done = scanned - Int64(tracker.pendingCount())
                bar?.update(Int(done), detail: rate(done))
            }
            unreadable = reader.skipped
            try? consumer.close()
            if reader.topicGone { consumer.abandonHandle() }
            if let failure {
                core.close(timeout: .seconds(5))
                throw failure
            }
        }
        let drained = fatal.current == nil
            && core.drain(deadline: ContinuousClock.now.advanced(by: configuration.drainTimeout))
        let pending = tracker.pendingCount()
        let done = progress.scanned - Int64(pending)
        bar?.finish(Int(done), detail: rate(done))
        core.close(timeout: .seconds(5))
        if let failure = fatal.current { throw .producerFatal(failure) }
        if !progress.isComplete {
            throw .replayIncomplete("interrupted after \(progress.scanned) of \(total) offset(s); not read: \(progress.unread(topic: topic))")
        }
        if !drained { throw .shutdownIncomplete(unacknowledged: pending) }
        return ReplaySummary(
            rangeSize: total, processed: progress.processed, filtered: progress.filtered, unreadable: unreadable,
            seconds: MonotonicTime.seconds(since: started), plans: plans)
    }
}
