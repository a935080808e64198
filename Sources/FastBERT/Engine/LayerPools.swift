import Dispatch

/// Early exit across micro-batches: a sample that survives a layer waits in the next layer's pool
/// and runs there together with the survivors of later micro-batches, so deep layers run on full
/// row blocks instead of the few hard samples of one batch. New samples run layer 1 at the next
/// `run` (their micro-batch has already waited to fill); a later pool runs once it holds `target`
/// samples, or when one of its samples has been pooled for `maxWaitNanos` since it was added
/// (from then on that sample runs straight to its exit), or on `run(flush: true)`. Every sample keeps its own exit
/// policy and gets the prediction `EarlyExitEngine.classify` would give it.
/// Not thread-safe: one caller at a time (the engine's).
public final class LayerPools<Tag> {
    public let engine: EarlyExitEngine
    public let target: Int
    public let maxWaitNanos: UInt64
    private let clock: () -> UInt64
    /// pools[l]: samples whose hidden rows wait for layer l (0: fresh embeddings).
    private let pools: [Pool]

    private final class Pool {
        let rows = Buffer()
        var tokens = 0
        var starts: [Int] = [], lengths: [Int] = []
        var exits: [SampleExit] = []
        var tags: [Tag] = []
        var deadlines: [UInt64] = []

        func append(rows source: UnsafePointer<Float>, length: Int, hiddenSize h: Int, exit: SampleExit, tag: Tag, deadline: UInt64) {
            (rows.reserve((tokens + length) * h) + tokens * h).update(from: source, count: length * h)
            starts.append(tokens)
            lengths.append(length)
            tokens += length
            exits.append(exit)
            tags.append(tag)
            deadlines.append(deadline)
        }

        func removeAll() {
            tokens = 0
            starts.removeAll(keepingCapacity: true)
            lengths.removeAll(keepingCapacity: true)
            exits.removeAll(keepingCapacity: true)
            tags.removeAll(keepingCapacity: true)
            deadlines.removeAll(keepingCapacity: true)
        }
    }

    /// `clock` gives monotonic nanoseconds (tests drive it by hand).
    public init(engine: EarlyExitEngine, target: Int, maxWaitNanos: UInt64,
                clock: @escaping () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.engine = engine
        self.target = max(1, target)
        self.maxWaitNanos = maxWaitNanos
        self.clock = clock
        pools = (0..<engine.numLayers).map { _ in Pool() }
    }

    /// Samples waiting in any pool.
    public var count: Int { pools.reduce(0) { $0 + $1.tags.count } }
    public var isEmpty: Bool { pools.allSatisfy { $0.tags.isEmpty } }

    /// The earliest moment a pooled sample's wait runs out (nil when nothing is pooled).
    public var nextDeadline: UInt64? { pools.compactMap { $0.deadlines.min() }.min() }

    /// Embeds new sequences into the first pool, each with its policy and tag. Throws, adding
    /// none of them, if the engine would reject the batch.
    public func add(_ sequences: [[Int32]], policies: [ExitPolicy], tags: [Tag]) throws {
        precondition(sequences.count == policies.count && sequences.count == tags.count, "one policy and tag per sequence")
        let batch = PackedBatch(sequences)
        try engine.encoder.validate(batch)
        let first = pools[0], h = engine.model.config.hiddenSize
        engine.embed(batch, into: first.rows.reserve((first.tokens + batch.tokenCount) * h) + first.tokens * h)
        let deadline = clock() + maxWaitNanos
        for i in 0..<batch.count {
            first.starts.append(first.tokens)
            first.lengths.append(batch.lengths[i])
            first.tokens += batch.lengths[i]
            first.exits.append(SampleExit(policy: policies[i]))
            first.tags.append(tags[i])
            first.deadlines.append(deadline)
        }
    }

    /// Runs, from the first layer to the last, every pool that is due (the first always); survivors move on to the
    /// next pool (which may then be due too). Returns the samples that left, in no set order.
    public func run(flush: Bool = false) -> [(tag: Tag, prediction: Prediction)] {
        var finished: [(tag: Tag, prediction: Prediction)] = []
        let h = engine.model.config.hiddenSize
        for layer in pools.indices {
            let pool = pools[layer]
            guard let oldest = pool.deadlines.min(), layer == 0 || flush || pool.tags.count >= target || oldest <= clock() else {
                continue
            }
            _ = engine.step(layer: layer, rows: pool.rows.pointer, tokens: pool.tokens, starts: pool.starts,
                            lengths: pool.lengths, exits: &pool.exits)
            for sample in pool.tags.indices {
                if let exit = engine.stepArrays.verdicts[sample]?.exit {
                    finished.append((pool.tags[sample], exit))
                } else {
                    pools[layer + 1].append(rows: pool.rows.pointer + pool.starts[sample] * h, length: pool.lengths[sample], hiddenSize: h,
                                            exit: pool.exits[sample], tag: pool.tags[sample], deadline: pool.deadlines[sample])
                }
            }
            pool.removeAll()
        }
        return finished
    }
}
