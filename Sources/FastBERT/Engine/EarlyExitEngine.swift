import Dispatch

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
    public private(set) var counters: EngineCounters

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
        let h = model.config.hiddenSize, labelCount = model.config.fastbert.numLabels
        var results = [Prediction?](repeating: nil, count: batch.count)
        guard batch.count > 0 else { return [] }
        let state = hidden.reserve(batch.tokenCount * h)
        let logitRows = logits.reserve(batch.count * labelCount)
        var clock = DispatchTime.now().uptimeNanoseconds
        encoder.embed(batch, into: state)
        let tracing = traces != nil

        var active = Array(0..<batch.count)  // original index of each surviving sequence
        var starts = batch.starts, lengths = batch.lengths
        var tokens = batch.tokenCount
        // For patience: each sample's last label and how many evaluated layers in a row gave it.
        var previousLabel = [Int](repeating: -1, count: batch.count), agreeing = [Int](repeating: 0, count: batch.count)
        for layer in 0..<numLayers {
            encoder.layer(layer, hidden: state, tokens: tokens, starts: starts, lengths: lengths)
            counters.encoderRows[layer] += tokens
            counters.encoderNanos[layer] += lap(&clock)
            let isLast = layer == numLayers - 1
            guard tracing || policy.evaluates(layer: layer, numLayers: numLayers) else { continue }
            defer { counters.classifierNanos[layer] += lap(&clock) }

            let shards = shardSequences(lengths: lengths, tokens: tokens, shards: encoder.threads)
            encoder.matrixThreads.sharded(shards.count)
            let (rows, output) = (UncheckedSendable(state), UncheckedSendable(logitRows))
            parallelFor(shards.count, threads: encoder.threads) { [classifiers, classifierScratch, starts, lengths] k in
                classifierForward(classifiers[layer], hidden: rows.value, hiddenSize: h, starts: starts, lengths: lengths,
                                  sequences: shards[k], scratch: classifierScratch[k], logits: output.value)
            }
            counters.classifierSequences[layer] += active.count
            var kept = 0, keptTokens = 0
            for (position, original) in active.enumerated() {
                let row = logitRows + position * labelCount
                softmaxInPlace(row, count: labelCount)
                let u = normalizedEntropy(row, count: labelCount)
                var label = 0
                for i in 1..<labelCount where row[i] > row[label] { label = i }
                agreeing[original] = label == previousLabel[original] ? agreeing[original] + 1 : 1
                previousLabel[original] = label
                traces?[original].labels.append(label)
                traces?[original].entropy.append(u)
                traces?[original].topGap.append(1 - row[label])
                let score = policy.criterion == .maxProbability ? 1 - row[label] : u
                if isLast || (!tracing && policy.leaves(layer: layer, score: score, agreeing: agreeing[original])) {
                    let probabilities = Array(UnsafeBufferPointer(start: row, count: labelCount))
                    results[original] = Prediction(label: label, probabilities: probabilities, exitLayer: layer + 1, uncertainty: u)
                    counters.exits[layer] += 1
                } else {
                    // Survivors move forward in place; order is kept, so rows never overlap wrongly.
                    if keptTokens != starts[position] {
                        (state + keptTokens * h).update(from: state + starts[position] * h, count: lengths[position] * h)
                    }
                    active[kept] = original
                    starts[kept] = keptTokens
                    lengths[kept] = lengths[position]
                    kept += 1
                    keptTokens += lengths[position]
                }
            }
            active.removeLast(active.count - kept)
            starts.removeLast(starts.count - kept)
            lengths.removeLast(lengths.count - kept)
            tokens = keptTokens
            if active.isEmpty { break }
        }
        return results.map { $0! }
    }

    /// Nanoseconds since `mark`, moving `mark` to now.
    private func lap(_ mark: inout UInt64) -> UInt64 {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { mark = now }
        return now >= mark ? now - mark : 0
    }
}
