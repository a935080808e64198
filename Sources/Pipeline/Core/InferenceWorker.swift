import FastBERT
import Foundation
import Kafka

/// Runs the early-exit engine on its own OS thread (the engine is not thread-safe and its
/// matrix kernels block): takes micro-batches from the queue until it is closed and drained
/// (or `abort` is called), and hands each outcome to `onBatch` on that thread. With a pool wait,
/// survivors wait between layers for later batches' survivors (`PooledInference`); the pools
/// run when due and are flushed once the queue is closed and empty, never on abort.
final class InferenceWorker: @unchecked Sendable {
    private let model: FastBERTModel
    private let threads: Int
    private let queue: BatchQueue
    private let maxBatch: Int
    private let maxWait: Duration
    private let maxPoolWait: Duration
    private let exits: ExitControl
    private let finished = Latch()
    private let aborted = Locked(false)

    init(model: FastBERTModel, queue: BatchQueue, maxBatch: Int, maxWait: Duration, maxPoolWait: Duration, exits: ExitControl, threads: Int) {
        self.model = model
        self.threads = threads
        self.queue = queue
        self.maxBatch = maxBatch
        self.maxWait = maxWait
        self.maxPoolWait = maxPoolWait
        self.exits = exits
    }

    /// Builds the engine on the worker thread and starts the loop, which calls `onBatch` for
    /// every micro-batch; throws if the model has no classifiers.
    func start(onBatch: @escaping @Sendable (BatchOutcome) -> Void) throws(PipelineError) {
        let ready = Latch()
        let failure = Locked<String?>(nil)
        PipelineThread.start(name: "fastbert-inference") { [self] in
            let engine: EarlyExitEngine
            do {
                engine = try EarlyExitEngine(model: model, threads: threads)
            } catch {
                failure.set("\(error)")
                ready.signal()
                finished.signal()
                return
            }
            ready.signal()
            loop(engine, onBatch: onBatch)
            finished.signal()
        }
        ready.wait()
        if let message = failure.current {
            throw .model(directory: model.config.fastbert.modelId, reason: message)
        }
    }

    /// Stops after the current batch; queued items are left unprocessed.
    func abort() { aborted.set(true) }

    /// Waits for the loop to end; false on timeout.
    @discardableResult
    func join(timeout: Duration) -> Bool { finished.wait(timeout: timeout) }

    private func loop(_ engine: EarlyExitEngine, onBatch: @Sendable (BatchOutcome) -> Void) {
        guard maxPoolWait > .zero else { return batchLoop(engine, onBatch: onBatch) }
        let pooled = PooledInference(engine: engine, target: maxBatch, maxWait: maxPoolWait)
        while !aborted.current, let batch = queue.nextBatch(maxCount: maxBatch, maxWait: maxWait, until: pooled.nextDeadline) {
            let started = MonotonicTime.now()
            onBatch(pooled.step(batch, exits: batch.isEmpty ? [] : applyExits(batch, started: started), startedNanos: started))
        }
        if !aborted.current, !pooled.isEmpty {
            onBatch(pooled.step([], exits: [], startedNanos: MonotonicTime.now(), flush: true))
        }
    }

    private func batchLoop(_ engine: EarlyExitEngine, onBatch: @Sendable (BatchOutcome) -> Void) {
        while !aborted.current, let batch = queue.nextBatch(maxCount: maxBatch, maxWait: maxWait) {
            let started = MonotonicTime.now(), before = engine.counters
            let applied = applyExits(batch, started: started)
            let predictions = classify(batch, exits: applied, engine: engine)
            onBatch(BatchOutcome(items: batch, predictions: predictions, exits: applied,
                                 startedNanos: .init(repeating: started, count: batch.count), finishedNanos: MonotonicTime.now(),
                                 taken: batch.count, work: engine.counters.since(before)))
        }
    }

    /// Each item's exit: its speed header's, else the one in force (which may adapt to this batch's wait).
    private func applyExits(_ batch: [WorkItem], started: UInt64) -> [AppliedExit] {
        exits.observe(waitNanos: started &- (batch.map(\.receivedNanos).min() ?? started))
        let current = exits.current
        return batch.map { item in item.headerSpeed.map(exits.forHeader) ?? current }
    }

    /// One engine call per distinct exit in the batch (usually one; records with a speed header
    /// run apart), results back in batch order.
    private func classify(_ batch: [WorkItem], exits: [AppliedExit], engine: EarlyExitEngine) -> [Result<Prediction, InferenceFailure>] {
        var results = [Result<Prediction, InferenceFailure>?](repeating: nil, count: batch.count)
        var remaining = Array(batch.indices)
        while let first = remaining.first {
            let policy = exits[first].policy
            let group = remaining.filter { exits[$0].policy == policy }
            remaining.removeAll { exits[$0].policy == policy }
            for (index, result) in zip(group, classify(group.map { batch[$0] }, policy: policy, engine: engine)) {
                results[index] = result
            }
        }
        return results.map { $0 ?? .failure(InferenceFailure(message: "engine returned no prediction")) }
    }

    /// The whole batch at once; if the engine rejects it, each item alone, so one bad input
    /// fails only itself.
    private func classify(_ batch: [WorkItem], policy: ExitPolicy, engine: EarlyExitEngine) -> [Result<Prediction, InferenceFailure>] {
        if let all = try? engine.classify(batch.map(\.tokens), policy: policy) { return all.map { .success($0) } }
        return batch.map { item in
            do {
                guard let prediction = try engine.classify([item.tokens], policy: policy).first else {
                    return .failure(InferenceFailure(message: "engine returned no prediction"))
                }
                return .success(prediction)
            } catch {
                return .failure(InferenceFailure(message: "\(error)"))
            }
        }
    }
}
