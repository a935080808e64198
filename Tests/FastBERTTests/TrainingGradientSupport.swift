import XCTest

@testable import FastBERT

/// Central finite differences against analytic gradients, on tiny sizes.
/// Losses are L = sum_i R_i * y_i with fixed random R, accumulated in Double so the
/// difference quotient (L(x + e) - L(x - e)) / 2e is limited by Float rounding of y only.
enum GradientCheck {
    static func random(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in rng.nextNormal() * scale }
    }

    static func weightedSum(_ values: UnsafePointer<Float>, _ weights: [Float]) -> Double {
        weights.indices.reduce(0.0) { $0 + Double(values[$1]) * Double(weights[$1]) }
    }

    /// Perturbs up to `samples` entries of `values` (spread over the array) and compares the
    /// numeric slope of `loss` with `analytic`.
    static func assertMatches(
        _ name: String, values: [Float], analytic: [Float], samples: Int = 24, epsilon: Float = 1e-2,
        relativeTolerance: Float = 2e-2, absoluteTolerance: Float = 2e-3,
        file: StaticString = #filePath, line: UInt = #line, loss: ([Float]) -> Double
    ) {
        XCTAssertEqual(values.count, analytic.count, "\(name): gradient size", file: file, line: line)
        let step = max(1, values.count / samples)
        var worst: Float = 0, checked = 0
        for i in stride(from: 0, to: values.count, by: step) {
            var plus = values, minus = values
            plus[i] += epsilon
            minus[i] -= epsilon
            let numeric = Float((loss(plus) - loss(minus)) / Double(2 * epsilon))
            let error = abs(numeric - analytic[i])
            let allowed = absoluteTolerance + relativeTolerance * max(abs(numeric), abs(analytic[i]))
            worst = max(worst, error / allowed)
            checked += 1
            if error > allowed {
                XCTFail("\(name)[\(i)]: analytic \(analytic[i]) vs numeric \(numeric)", file: file, line: line)
                return
            }
        }
        XCTAssertGreaterThan(checked, 0, file: file, line: line)
        // The analytic gradient must not be trivially zero where the numeric one is not.
        XCTAssertTrue(analytic.contains { $0 != 0 }, "\(name): analytic gradient is all zero", file: file, line: line)
    }
}

extension LinearWeights {
    static func randomTest(out: Int, in inFeatures: Int, seed: UInt64, scale: Float = 0.5) -> LinearWeights {
        LinearWeights(weight: Tensor(shape: [out, inFeatures], data: GradientCheck.random(out * inFeatures, seed: seed, scale: scale)),
                      bias: Tensor(shape: [out], data: GradientCheck.random(out, seed: seed &+ 99, scale: 0.1)))
    }

    var zeroGradient: LinearWeights { LinearWeights(weight: Tensor(zeros: weight.shape), bias: Tensor(zeros: bias.shape)) }
}

extension FastBERTModel {
    /// A random model whose heads have moderate weights (FastBERTModel.random inflates head
    /// weights so that inference tests see confident heads, which saturates tanh for training).
    static func trainable(config: BertConfig, seed: UInt64, backboneStd: Float, headStd: Float) -> FastBERTModel {
        var model = FastBERTModel.random(config: config, seed: seed, std: backboneStd, withClassifiers: false)
        var rng = SeededRandom(seed: seed &+ 5)
        let labels = config.fastbert.labels.isEmpty ? ["negative", "positive"] : config.fastbert.labels
        model.config.fastbert.labels = labels
        model.classifiers = (0..<config.numLayers).map { _ in
            .random(hidden: config.hiddenSize, width: config.fastbert.classifierHidden, labels: labels.count, std: headStd,
                    rng: &rng)
        }
        return model
    }
}
