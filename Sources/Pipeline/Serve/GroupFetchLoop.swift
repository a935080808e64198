import Jobs
import Foundation
import Kafka
import Logging

/// The consumer side of `serve`, run on one OS thread: joins the group, feeds records into
/// the pipeline core, commits acknowledged offsets, handles rebalances, and on stop drains,
/// commits and leaves the group.
///
/// Commit rule: only `OffsetTracker` watermarks are committed, i.e. an offset is committed
/// only when the outputs of it and of every earlier offset of its partition were acknowledged.
/// On revocation in-flight records of the revoked partitions get `revokeTimeout` to finish;
/// the rest are dropped uncommitted (the next owner reprocesses them). A partition stopped at
/// a record (unreadable, or an output that cannot be written) is paused and never committed
/// past that record (`PartitionControl`).
final class GroupFetchLoop: @unchecked Sendable {
    private let configuration: ServeConfiguration
    private let model: ModelBundle
    private let metrics: PipelineMetrics
    private let health: PipelineHealth
    private let logger: Logger
    private let stopRequested = Locked(false)
    private let fatal = Locked<KafkaError?>(nil)
    private let closing = Locked(false)
    private let tracker = OffsetTracker()
    /// Set once, on the loop thread, before anything can commit.
    private var consumer: KafkaConsumer?
    private let control: PartitionControl

    init(configuration: ServeConfiguration, model: ModelBundle, metrics: PipelineMetrics, health: PipelineHealth, logger: Logger) {
        self.configuration = configuration
        self.model = model
        self.metrics = metrics
        self.health = health
        self.logger = logger
        control = PartitionControl(configuration: configuration, tracker: tracker, metrics: metrics, health: health, logger: logger)
    }

    func requestStop() { stopRequested.set(true) }

    /// Runs to completion on the calling thread.
    func run() -> Result<Void, PipelineError> {
        let core: PipelineCore
        let consumer: KafkaConsumer
        do throws(PipelineError) {
            let admin = try configuration.clients.admin(logger: logger)
            for topic in configuration.inputTopics where !topic.hasPrefix("^") {
                _ = try TopicCheck.partitionCount(of: topic, role: "input", admin: admin)
            }
            var processing = configuration.processing
            processing.routing = try processing.routing.checked(with: admin)
            core = try PipelineCore(
                model: model, settings: processing, producerConfig: configuration.clients.producer, tracker: tracker,
                metrics: metrics, logger: logger
            ) { [fatal, stopRequested] error in
                fatal.set(error)
                stopRequested.set(true)
            }
            try core.start()
            let tracker = self.tracker, metrics = self.metrics
            do {
                consumer = try KafkaConsumer(
                    config: configuration.consumerConfig, logger: logger,
                    onError: { _ in metrics.consumerErrors.increment() }
                ) { [logger] offsets, error in
                    if let error {
                        logger.warning("async commit failed", metadata: ["error": "\(error)", "offsets": "\(offsets)"])
                        tracker.commitFailed(offsets)
                        metrics.commitFailures.increment()
                    } else {
                        // Not for partitions revoked since (their series were dropped).
                        let owned = Set(tracker.assignedPartitions)
                        metrics.recordCommitted(offsets.filter { owned.contains($0.topicPartition) })
                    }
                }
                self.consumer = consumer
                try consumer.subscribe(topics: configuration.inputTopics) { [unowned self, unowned core] event in
                    rebalance(event, core: core)
                }
            } catch {
                core.close(timeout: .seconds(1))
                throw .kafka(error)
            }
        } catch {
            health.set(.failed)
            return .failure(error)
        }
        logger.info("serving", metadata: [
            "topics": "\(configuration.inputTopics)", "group": "\(configuration.group)",
            "output": "\(configuration.processing.routing.outputTopic)", "model": "\(model.modelId)",
        ])
        let lag = LagMonitor()
        lag.start(consumer: consumer, tracker: tracker, metrics: metrics, interval: configuration.lagSamplingInterval) { [exits = core.exits] in
            exits.observe(lag: $0)
        }
        consume(consumer, core: core)
        lag.stop()
        return shutdown(consumer, core: core)
    }

    private func consume(_ consumer: KafkaConsumer, core: PipelineCore) {
        let clock = ContinuousClock()
        var nextCommit = clock.now.advanced(by: configuration.commitInterval)
        var lastErrorLog = clock.now.advanced(by: .seconds(-60))
        var nextRefresh = clock.now
        while !stopRequested.current {
            if let message = consumer.poll(timeout: .milliseconds(100)) {
                if let error = message.error {
                    metrics.consumerErrors.increment()
                    if !control.handleError(error, of: message, consumer: consumer), clock.now - lastErrorLog > .seconds(5) {
                        logger.warning("consumer error: \(error)")
                        lastErrorLog = clock.now
                    }
                } else if control.accepts(message) {
                    core.intake(message)
                    control.afterIntake(core: core, consumer: consumer)
                }
            }
            if clock.now >= nextRefresh {
                control.refresh(core: core, consumer: consumer)
                nextRefresh = clock.now.advanced(by: .milliseconds(100))
            }
            if clock.now >= nextCommit {
                commit(synchronous: false)
                nextCommit = clock.now.advanced(by: configuration.commitInterval)
            }
        }
    }

    private func shutdown(_ consumer: KafkaConsumer, core: PipelineCore) -> Result<Void, PipelineError> {
        health.set(.draining)
        let deadline = ContinuousClock.now.advanced(by: configuration.shutdownTimeout)
        let failure = fatal.current
        let drained = failure == nil && core.drain(deadline: deadline)
        commit(synchronous: true)
        let unacknowledged = core.pendingOutputs
        closing.set(true)
        do {
            try consumer.close()
        } catch {
            logger.warning("consumer close: \(error)")
        }
        self.consumer = nil  // the native handle goes away with the last reference
        core.close(timeout: .seconds(2))
        if let failure {
            health.set(.failed)
            return .failure(.producerFatal(failure))
        }
        health.set(.stopped)
        if !drained {
            return .failure(.shutdownIncomplete(unacknowledged: max(unacknowledged, tracker.pendingCount())))
        }
        logger.info("stopped cleanly")
        return .success(())
    }

    /// Rebalance events (on this thread, inside `poll` / `close`).
    private func rebalance(_ event: RebalanceEvent, core: PipelineCore) {
        switch event {
        case .assigned(let partitions):
            control.reset(partitions, consumer: consumer)
            tracker.assign(partitions)
            health.set(.ready)
        case .revoked(let partitions, let lost):
            if !lost, !closing.current {
                if !tracker.waitUntilAcknowledged(partitions, timeout: configuration.revokeTimeout) {
                    logger.warning("revoked partitions still had unacknowledged records; they will be reprocessed",
                                   metadata: ["pending": "\(tracker.pendingCount(in: partitions))"])
                }
            }
            if !lost { commit(partitions: partitions, synchronous: true) }
            let dropped = core.revoke(Set(partitions))
            tracker.revoke(partitions)
            metrics.forgetPartitions(partitions)
            control.reset(partitions, consumer: nil)
            if dropped > 0 { logger.info("dropped \(dropped) queued record(s) of revoked partitions") }
        case .error(let error):
            logger.error("rebalance error: \(error)")
        }
    }

    /// Commits the tracker's watermarks (all partitions, or only `partitions`). Synchronous
    /// commits (revocation, shutdown) re-commit every commit point, since the results of earlier
    /// asynchronous commits may be unknown, and retry a few times.
    private func commit(partitions: [TopicPartition]? = nil, synchronous: Bool) {
        guard let consumer else { return }
        let offsets = tracker.commitCandidates(in: partitions, includeCommitted: synchronous)
        guard !offsets.isEmpty else { return }
        tracker.markCommitted(offsets)
        for attempt in 1...(synchronous ? 5 : 1) {
            do {
                try consumer.commit(offsets: offsets, synchronous: synchronous)
                metrics.commits.increment()
                // An asynchronous commit's outcome arrives in the consumer's commit callback.
                if synchronous { metrics.recordCommitted(offsets) }
                logger.debug("committed", metadata: ["offsets": "\(offsets)", "sync": "\(synchronous)"])
                return
            } catch {
                metrics.commitFailures.increment()
                logger.warning("commit failed", metadata: ["attempt": "\(attempt)", "error": "\(error)", "offsets": "\(offsets)"])
                // A group in rebalance or a stale generation will not accept a retry either.
                if Self.isGroupStateError(error) { break }
                if synchronous, attempt < 5 { Thread.sleep(forTimeInterval: 0.2 * Double(attempt)) }
            }
        }
        tracker.commitFailed(offsets)
    }

    private static func isGroupStateError(_ error: KafkaError) -> Bool {
        [KafkaErrorCode.rebalanceInProgress, .illegalGeneration, .unknownMemberId].contains(error.code)
    }
}
