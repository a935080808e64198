import Dispatch

/// One sample's exit state between layers: its policy, and for patience its last label and
/// how many evaluated layers in a row gave it.
struct SampleExit {
    let policy: ExitPolicy
    var previousLabel = -1
    var agreeing = 0

    init(policy: ExitPolicy) { self.policy = policy }
}

/// `step`'s arrays: one verdict per sample, the samples scored and their rows, and the
/// classifier's shards.
struct StepArrays {
    var verdicts: [ClassifierVerdict?] = []
    var scored: [Int] = [], scoredStarts: [Int] = [], scoredLengths: [Int] = []
    var shards: [Range<Int>] = []
}

/// What a layer's classifier said about one sample; `exit` is set when the sample leaves there.
struct ClassifierVerdict {
    var label: Int
    var uncertainty: Float
    var topGap: Float
    var exit: Prediction?
}

extension EarlyExitEngine {
    /// Embeds `batch` into `rows` (counted as layer 1's encoder time).
    func embed(_ batch: PackedBatch, into rows: UnsafeMutablePointer<Float>) {
        let started = DispatchTime.now().uptimeNanoseconds
        encoder.embed(batch, into: rows)
        counters.encoderNanos[0] += DispatchTime.now().uptimeNanoseconds - started
    }

    /// Runs encoder layer `layer` over the packed `rows`, then its classifier over the samples
    /// whose policy evaluates that layer (every sample with `evaluateAll`), and decides who leaves
    /// (nobody before the teacher with `holdUntilTeacher`). Leaves one verdict per sample in
    /// `stepArrays.verdicts`, nil where the classifier did not run, and returns whether it ran
    /// for anyone. Survivors' rows are left in place for the caller to move.
    func step(
        layer: Int, rows: UnsafeMutablePointer<Float>, tokens: Int, starts: [Int], lengths: [Int],
        exits: inout [SampleExit], evaluateAll: Bool = false, holdUntilTeacher: Bool = false
    ) -> Bool {
        var clock = DispatchTime.now().uptimeNanoseconds
        encoder.layer(layer, hidden: rows, tokens: tokens, starts: starts, lengths: lengths)
        counters.encoderRows[layer] += tokens
        counters.encoderNanos[layer] += lap(&clock)
        var a = StepArrays()
        swap(&a, &stepArrays)
        defer { swap(&a, &stepArrays) }
        a.verdicts.removeAll(keepingCapacity: true)
        a.scored.removeAll(keepingCapacity: true)
        for sample in 0..<lengths.count {
            a.verdicts.append(nil)
            if evaluateAll || exits[sample].policy.evaluates(layer: layer, numLayers: numLayers) { a.scored.append(sample) }
        }
        guard !a.scored.isEmpty else { return false }
        defer { counters.classifierNanos[layer] += lap(&clock) }

        let h = model.config.hiddenSize, labelCount = model.config.fastbert.numLabels
        // A subset is scored through its own starts and lengths; rows between them are still in
        // the classifier's token span, computed and ignored.
        a.scoredStarts.removeAll(keepingCapacity: true)
        a.scoredLengths.removeAll(keepingCapacity: true)
        var scoredTokens = 0
        for position in 0..<a.scored.count {
            let sample = a.scored[position]
            a.scoredStarts.append(starts[sample])
            a.scoredLengths.append(lengths[sample])
            scoredTokens += lengths[sample]
        }
        let logitRows = logits.reserve(a.scored.count * labelCount)
        shardSequences(lengths: a.scoredLengths, tokens: scoredTokens, shards: encoder.threads, into: &a.shards)
        encoder.matrixThreads.sharded(a.shards.count)
        let (input, output) = (UncheckedSendable(UnsafePointer(rows)), UncheckedSendable(logitRows))
        parallelFor(a.shards.count, threads: encoder.threads) {
            [classifiers, classifierScratch, scoredStarts = a.scoredStarts, scoredLengths = a.scoredLengths, shards = a.shards] k in
            classifierForward(classifiers[layer], hidden: input.value, hiddenSize: h, starts: scoredStarts, lengths: scoredLengths,
                              sequences: shards[k], scratch: classifierScratch[k], logits: output.value)
        }
        counters.classifierSequences[layer] += a.scored.count
        let isLast = layer == numLayers - 1
        for position in 0..<a.scored.count {
            let sample = a.scored[position], row = logitRows + position * labelCount
            softmaxInPlace(row, count: labelCount)
            let u = normalizedEntropy(row, count: labelCount)
            var label = 0
            for i in 1..<labelCount where row[i] > row[label] { label = i }
            var state = exits[sample]
            state.agreeing = label == state.previousLabel ? state.agreeing + 1 : 1
            state.previousLabel = label
            exits[sample] = state
            var verdict = ClassifierVerdict(label: label, uncertainty: u, topGap: 1 - row[label])
            let score = state.policy.criterion == .maxProbability ? verdict.topGap : u
            if isLast || (!holdUntilTeacher && state.policy.leaves(layer: layer, score: score, agreeing: state.agreeing)) {
                let probabilities = Array(UnsafeBufferPointer(start: row, count: labelCount))
                verdict.exit = Prediction(label: label, probabilities: probabilities, exitLayer: layer + 1, uncertainty: u)
                counters.exits[layer] += 1
            }
            a.verdicts[sample] = verdict
        }
        return true
    }

    /// Nanoseconds since `mark`, moving `mark` to now.
    private func lap(_ mark: inout UInt64) -> UInt64 {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { mark = now }
        return now >= mark ? now - mark : 0
    }
}
