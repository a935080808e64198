import FastBERT

/// The inference thread's side of the per-layer pools (`LayerPools`): admits micro-batches, each
/// record with its own exit (a `fastbert-speed` header keeps its speed inside the pools), and
/// turns the records that leave the network into outcomes. Not thread-safe: the inference thread's.
final class PooledInference {
    private struct Entry {
        var item: WorkItem
        var exit: AppliedExit
        var startedNanos: UInt64
    }

    private let pools: LayerPools<Entry>

    /// A pool runs once it holds `target` records or one of them has been pooled for `maxWait`.
    init(engine: EarlyExitEngine, target: Int, maxWait: Duration) {
        pools = LayerPools(engine: engine, target: target, maxWaitNanos: maxWait.nanoseconds, clock: MonotonicTime.now)
    }

    /// When the oldest pooled record's wait runs out (nil: nothing pooled).
    var nextDeadline: UInt64? { pools.nextDeadline }
    var isEmpty: Bool { pools.isEmpty }

    /// Admits `batch` (may be empty), taken at `startedNanos`, then runs the pools that are due
    /// (every pool with `flush`).
    func step(_ batch: [WorkItem], exits: [AppliedExit], startedNanos: UInt64, flush: Bool = false) -> BatchOutcome {
        let before = pools.engine.counters
        var outcome = BatchOutcome(taken: batch.count)
        let entries = zip(batch, exits).map { Entry(item: $0, exit: $1, startedNanos: startedNanos) }
        for (entry, failure) in admit(entries) {
            outcome.append(entry.item, .failure(failure), exit: entry.exit, startedNanos: entry.startedNanos)
        }
        for (entry, prediction) in pools.run(flush: flush) {
            outcome.append(entry.item, .success(prediction), exit: entry.exit, startedNanos: entry.startedNanos)
        }
        outcome.finishedNanos = MonotonicTime.now()
        outcome.work = pools.engine.counters.since(before)
        return outcome
    }

    /// The whole batch at once; if the engine rejects it, each record alone, so one bad input
    /// fails only itself.
    private func admit(_ entries: [Entry]) -> [(Entry, InferenceFailure)] {
        guard !entries.isEmpty else { return [] }
        if (try? pools.add(entries.map(\.item.tokens), policies: entries.map(\.exit.policy), tags: entries)) != nil { return [] }
        return entries.compactMap { entry in
            do {
                try pools.add([entry.item.tokens], policies: [entry.exit.policy], tags: [entry])
                return nil
            } catch {
                return (entry, InferenceFailure(message: "\(error)"))
            }
        }
    }
}
