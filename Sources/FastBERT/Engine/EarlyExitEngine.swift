/// Batched early exit with real early termination. All samples run layer by layer; after each
/// layer whose classifier the exit policy needs, that classifier scores the survivors, those the
/// policy lets go leave, and the survivors' token rows are compacted so the next layer computes
/// only them. speed 0 runs the teacher only (students are not evaluated); speed >= 1 exits
/// everyone at layer 1.
/// Not thread-safe: one caller at a time.
public final class EarlyExitEngine {
    public let model: FastBERTModel
    let encoder: Encoder
    let classifiers: [ClassifierRuntime]
    let classifierScratch: [ClassifierScratch]
    let hidden = Buffer(), logits = Buffer()
    public internal(set) var counters: EngineCounters

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
        var results = [Prediction?](repeating: nil, count: batch.count)
        let state = hidden.reserve(batch.tokenCount * h)
        embed(batch, into: state)
        let tracing = traces != nil

        var active = Array(0..<batch.count)  // original index of each surviving sequence
        var starts = batch.starts, lengths = batch.lengths
        var tokens = batch.tokenCount
        var exits = [SampleExit](repeating: SampleExit(policy: policy), count: batch.count)
        for layer in 0..<numLayers {
            let verdicts = step(layer: layer, rows: state, tokens: tokens, starts: starts, lengths: lengths, exits: &exits,
                                evaluateAll: tracing, holdUntilTeacher: tracing)
            guard verdicts.contains(where: { $0 != nil }) else { continue }
            var kept = 0, keptTokens = 0
            for (position, original) in active.enumerated() {
                if let verdict = verdicts[position] {
                    traces?[original].labels.append(verdict.label)
                    traces?[original].entropy.append(verdict.uncertainty)
                    traces?[original].topGap.append(verdict.topGap)
                    if let exit = verdict.exit {
                        results[original] = exit
                        continue
                    }
                }
                // Survivors move forward in place; order is kept, so rows never overlap wrongly.
                if keptTokens != starts[position] {
                    (state + keptTokens * h).update(from: state + starts[position] * h, count: lengths[position] * h)
                }
                active[kept] = original
                exits[kept] = exits[position]
                starts[kept] = keptTokens
                lengths[kept] = lengths[position]
                kept += 1
                keptTokens += lengths[position]
            }
            active.removeLast(active.count - kept)
            exits.removeLast(exits.count - kept)
            starts.removeLast(starts.count - kept)
            lengths.removeLast(lengths.count - kept)
            tokens = keptTokens
            if active.isEmpty { break }
        }
        return results.map { $0! }
    }
}
