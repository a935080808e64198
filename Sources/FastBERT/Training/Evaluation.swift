import Foundation

/// An exit policy under the name reports give it: the paper's `speed`, or a calibrated policy.
public struct ExitSetting: Sendable, Equatable {
    public var name: String
    /// The entropy threshold when the policy is the paper's criterion at one speed.
    public var speed: Float?
    public var policy: ExitPolicy

    public init(name: String, speed: Float?, policy: ExitPolicy) {
        self.name = name
        self.speed = speed
        self.policy = policy
    }

    public static func speed(_ speed: Float, layers: Int) -> ExitSetting {
        ExitSetting(name: String(format: "%.2f", speed), speed: speed, policy: .speed(speed, layers: layers))
    }
}

/// Quality and cost of early exit under one exit setting.
public struct SpeedResult: Sendable, Codable, Equatable {
    /// The setting's name ("0.10" for speed 0.1, "calibrated", ...).
    public var exit: String
    /// The entropy threshold, when the setting is one speed of the paper's criterion.
    public var speed: Float?
    public var accuracy: Double
    public var macroF1: Double
    public var meanExitLayer: Double
    /// Share of samples leaving at layer 1...L.
    public var exitShare: [Double]
    /// Mean analytical FLOPs per sample (encoder layers run + classifiers evaluated).
    public var flopsPerSample: Double
    public var flopsSpeedup: Double
    /// Best wall-clock time over the repeats for the whole set, batched through EarlyExitEngine.
    public var seconds: Double
    public var wallClockSpeedup: Double
    public var samplesPerSecond: Double
}

public enum Evaluation {
    /// Runs the engine over `sequences` at every speed (0 first, as the reference for speedups),
    /// reporting each finished speed to `progress`.
    public static func evaluate(
        engine: EarlyExitEngine, sequences: [[Int32]], targets: [Int], speeds: [Float], batchSize: Int, repeats: Int = 1,
        progress: ProgressSink = .silent
    ) throws -> [SpeedResult] {
        try evaluate(engine: engine, sequences: sequences, targets: targets,
                     settings: speeds.map { .speed($0, layers: engine.numLayers) }, batchSize: batchSize, repeats: repeats,
                     progress: progress)
    }

    /// Runs the engine over `sequences` under every setting, after full depth (speed 0), the
    /// reference for speedups, which comes first in the results.
    public static func evaluate(
        engine: EarlyExitEngine, sequences: [[Int32]], targets: [Int], settings: [ExitSetting], batchSize: Int,
        repeats: Int = 1, progress: ProgressSink = .silent
    ) throws -> [SpeedResult] {
        let config = engine.model.config
        let full = ExitSetting.speed(0, layers: config.numLayers)
        let ordered = [full] + settings.filter { $0 != full }
        let batches = stride(from: 0, to: sequences.count, by: batchSize).map {
            PackedBatch(Array(sequences[$0..<min($0 + batchSize, sequences.count)]))
        }
        if let first = batches.first { _ = try engine.classify(first, policy: full.policy) }  // warm-up: buffers reach size
        var results: [SpeedResult] = []
        for (done, setting) in ordered.enumerated() {
            var best = Double.infinity
            var predictions: [Prediction] = []
            for _ in 0..<max(repeats, 1) {
                predictions.removeAll(keepingCapacity: true)
                let start = Date()
                for batch in batches { predictions += try engine.classify(batch, policy: setting.policy) }
                best = min(best, Date().timeIntervalSince(start))
            }
            progress.update(done + 1, ordered.count,
                            String(format: "exit %@: %.0f samples/s", setting.name, Double(sequences.count) / best))
            results.append(summarize(predictions, targets: targets, lengths: sequences.map(\.count), setting: setting,
                                     seconds: best, config: config))
        }
        let reference = results[0]
        for i in results.indices {
            results[i].flopsSpeedup = reference.flopsPerSample / results[i].flopsPerSample
            results[i].wallClockSpeedup = reference.seconds / results[i].seconds
        }
        return results
    }

    static func summarize(
        _ predictions: [Prediction], targets: [Int], lengths: [Int], setting: ExitSetting, seconds: Double, config: BertConfig
    ) -> SpeedResult {
        let n = Double(predictions.count), layers = config.numLayers
        var exits = [Double](repeating: 0, count: layers)
        var flops = 0.0
        for (prediction, length) in zip(predictions, lengths) {
            exits[prediction.exitLayer - 1] += 1
            let classifiers = setting.policy.classifiersEvaluated(exitLayer: prediction.exitLayer, numLayers: layers)
            flops += FlopCount.sample(config, length: length, exitLayer: prediction.exitLayer, classifiers: classifiers)
        }
        let labels = predictions.map(\.label)
        return SpeedResult(
            exit: setting.name, speed: setting.speed, accuracy: accuracy(labels, targets),
            macroF1: macroF1(labels, targets, classes: config.fastbert.numLabels),
            meanExitLayer: Double(predictions.reduce(0) { $0 + $1.exitLayer }) / n, exitShare: exits.map { $0 / n },
            flopsPerSample: flops / n, flopsSpeedup: 1, seconds: seconds, wallClockSpeedup: 1,
            samplesPerSecond: n / seconds)
    }

    public static func accuracy(_ predicted: [Int], _ targets: [Int]) -> Double {
        Double(zip(predicted, targets).filter { $0 == $1 }.count) / Double(max(targets.count, 1))
    }

    /// Mean over classes of F1 = 2 TP / (2 TP + FP + FN); a class never predicted nor present counts 0.
    public static func macroF1(_ predicted: [Int], _ targets: [Int], classes: Int) -> Double {
        var tp = [Double](repeating: 0, count: classes), fp = tp, fn = tp
        for (p, t) in zip(predicted, targets) {
            if p == t { tp[p] += 1 } else {
                fp[p] += 1
                fn[t] += 1
            }
        }
        let scores = (0..<classes).map { c in
            let denominator = 2 * tp[c] + fp[c] + fn[c]
            return denominator > 0 ? 2 * tp[c] / denominator : 0
        }
        return scores.reduce(0, +) / Double(max(classes, 1))
    }
}
