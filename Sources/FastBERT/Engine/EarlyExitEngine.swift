/// Batched early exit with real early termination. All samples run layer by layer; after each
/// layer whose classifier the exit policy needs, that classifier scores the survivors, those the
/// policy lets go leave, and the survivors' token rows are compacted so the next layer computes
/// only them. speed 0 runs the teacher only (students are not evaluated); speed >= 1 exits
/// everyone at layer 1.
/// A warm engine (one that has run a batch at least as large) keeps its scratch buffers and
/// bookkeeping arrays: on one thread it allocates nothing but the predictions it returns; with
/// more, each parallel section adds up to two allocations (see `parallelFor`).
/// Not thread-safe: one caller at a time.
public final class EarlyExitEngine {
    public let model: FastBERTModel
    let encoder: Encoder
    let classifiers: [ClassifierRuntime]
    let classifierScratch: [ClassifierScratch]
    let hidden = Buffer(), logits = Buffer()
    public internal(set) var counters: EngineCounters
    /// `run`'s bookkeeping and `step`'s verdicts, kept between calls.
    var runArrays = RunArrays()
    var stepArrays = StepArrays()

    public init(model: FastBERTModel, threads: Int) throws {
        guard model.hasClassifiers else { throw EngineError.noClassifiers(model.headStatus) }
        self.model = model
        encoder = Encoder(model: model, threads: threads)
        classifierScratch = (0..<encoder.threads).map { _ in ClassifierScratch() }
        classifiers = model.classifiers.map { ClassifierRuntime($0, heads: model.config.fastbert.classifierHeads) }
        counters = EngineCounters(layers: model.config.numLayers)
    }

    public var numLayers: Int { model.config.numLayers }
    public var labels: [String] { model.config.fastbert.labels }

    public func classify(_ sequences: [[Int32]], speed: Float) throws -> [Prediction] {
        try classify(PackedBatch(sequences), policy: .speed(speed, layers: numLayers))
    }

    public func classify(_ sequences: [[Int32]], policy: ExitPolicy) throws -> [Prediction] {
        try classify(PackedBatch(sequences), policy: policy)
    }

    /// The paper's criterion: leave after the first layer whose normalized entropy is below `speed`.
    public func classify(_ batch: PackedBatch, speed: Float) throws -> [Prediction] {
        try classify(batch, policy: .speed(speed, layers: numLayers))
    }

    public func classify(_ batch: PackedBatch, policy: ExitPolicy) throws -> [Prediction] {
        var traces: [LayerTrace]? = nil
        return try run(batch, policy: policy, traces: &traces)
    }

    /// Runs every layer and every classifier with no exit, recording each classifier's verdict.
    public func trace(_ batch: PackedBatch) throws -> [LayerTrace] {
        var traces: [LayerTrace]? = batch.lengths.map { LayerTrace(length: $0, labels: [], entropy: [], topGap: []) }
        _ = try run(batch, policy: .fullDepth(layers: numLayers), traces: &traces)
        return traces ?? []
    }

    /// With `traces` set, every classifier runs and nobody leaves before the teacher.
    private func run(_ batch: PackedBatch, policy: ExitPolicy, traces: inout [LayerTrace]?) throws -> [Prediction] {
        try encoder.validate(batch)
        guard batch.count > 0 else { return [] }
        let h = model.config.hiddenSize
        var a = RunArrays()
        swap(&a, &runArrays)
        defer {
            a.clear()
            swap(&a, &runArrays)
        }
        let state = hidden.reserve(batch.tokenCount * h)
        embed(batch, into: state)
        let tracing = traces != nil

        // Element by element: generic bulk appends allocate in unoptimized builds, where the
        // allocation tests run.
        for i in 0..<batch.count {
            a.results.append(nil)
            a.active.append(i)  // original index of each surviving sequence
            a.starts.append(batch.starts[i])
            a.lengths.append(batch.lengths[i])
            a.exits.append(SampleExit(policy: policy))
        }
        var tokens = batch.tokenCount
        for layer in 0..<numLayers {
            let anyScored = step(layer: layer, rows: state, tokens: tokens, starts: a.starts, lengths: a.lengths,
                                 exits: &a.exits, evaluateAll: tracing, holdUntilTeacher: tracing)
            guard anyScored else { continue }
            var kept = 0, keptTokens = 0
            for position in 0..<a.active.count {
                let original = a.active[position]
                if let verdict = stepArrays.verdicts[position] {
                    traces?[original].labels.append(verdict.label)
                    traces?[original].entropy.append(verdict.uncertainty)
                    traces?[original].topGap.append(verdict.topGap)
                    if let exit = verdict.exit {
                        a.results[original] = exit
                        continue
                    }
                }
                // Survivors move forward in place; order is kept, so rows never overlap wrongly.
                if keptTokens != a.starts[position] {
                    (state + keptTokens * h).update(from: state + a.starts[position] * h, count: a.lengths[position] * h)
                }
                a.active[kept] = original
                a.exits[kept] = a.exits[position]
                a.starts[kept] = keptTokens
                a.lengths[kept] = a.lengths[position]
                kept += 1
                keptTokens += a.lengths[position]
            }
            a.removeLast(a.active.count - kept)
            tokens = keptTokens
            if a.active.isEmpty { break }
        }
        return Array(unsafeUninitializedCapacity: batch.count) { predictions, count in
            for i in 0..<batch.count { (predictions.baseAddress! + i).initialize(to: a.results[i]!) }
            count = batch.count
        }
    }
}

/// `run`'s arrays: the surviving samples' original indices, rows, lengths and exit states, and
/// the predictions so far.
struct RunArrays {
    var active: [Int] = [], starts: [Int] = [], lengths: [Int] = []
    var exits: [SampleExit] = []
    var results: [Prediction?] = []

    mutating func removeLast(_ k: Int) {
        active.removeLast(k)
        exits.removeLast(k)
        starts.removeLast(k)
        lengths.removeLast(k)
    }

    mutating func clear() {
        active.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        exits.removeAll(keepingCapacity: true)
        results.removeAll(keepingCapacity: true)
    }
}
