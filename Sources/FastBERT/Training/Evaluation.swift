import Foundation

/// Quality and cost of early exit at one speed (uncertainty threshold).
public struct SpeedResult: Sendable, Codable, Equatable {
    public var speed: Float
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

public struct EvaluationReport: Sendable, Codable, Equatable {
    public var model: String
    public var modelId: String
    public var data: String
    public var examples: Int
    public var meanTokens: Double
    public var labels: [String]
    public var layers: Int
    public var batchSize: Int
    public var threads: Int
    public var repeats: Int
    public var results: [SpeedResult]
}

public enum Evaluation {
    /// Runs the engine over `sequences` at every speed (0 first, as the reference for speedups),
    /// reporting each finished speed to `progress`.
    public static func evaluate(
        engine: EarlyExitEngine, sequences: [[Int32]], targets: [Int], speeds: [Float], batchSize: Int, repeats: Int = 1,
        progress: ProgressSink = .silent
    ) throws -> [SpeedResult] {
        let config = engine.model.config
        let ordered = [0] + speeds.filter { $0 != 0 }
        let batches = stride(from: 0, to: sequences.count, by: batchSize).map {
            PackedBatch(Array(sequences[$0..<min($0 + batchSize, sequences.count)]))
        }
        if let first = batches.first { _ = try engine.classify(first, speed: 0) }  // warm-up: buffers reach size
        var results: [SpeedResult] = []
        var done = 0
        for speed in ordered {
            var best = Double.infinity
            var predictions: [Prediction] = []
            for _ in 0..<max(repeats, 1) {
                predictions.removeAll(keepingCapacity: true)
                let start = Date()
                for batch in batches { predictions += try engine.classify(batch, speed: speed) }
                best = min(best, Date().timeIntervalSince(start))
            }
            done += 1
            progress.update(done, ordered.count,
                            String(format: "speed %.2f: %.0f samples/s", speed, Double(sequences.count) / best))
            results.append(summarize(predictions, targets: targets, lengths: sequences.map(\.count), speed: speed,
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
        _ predictions: [Prediction], targets: [Int], lengths: [Int], speed: Float, seconds: Double, config: BertConfig
    ) -> SpeedResult {
        let n = Double(predictions.count), layers = config.numLayers
        var exits = [Double](repeating: 0, count: layers)
        var flops = 0.0
        for (prediction, length) in zip(predictions, lengths) {
            exits[prediction.exitLayer - 1] += 1
            flops += FlopCount.sample(config, length: length, exitLayer: prediction.exitLayer, studentsEvaluated: speed > 0)
        }
        let labels = predictions.map(\.label)
        return SpeedResult(
            speed: speed, accuracy: accuracy(labels, targets), macroF1: macroF1(labels, targets, classes: config.fastbert.numLabels),
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
