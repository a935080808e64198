import XCTest

@testable import FastBERT

/// Attention, classifier head, encoder layer and the whole stage-1 graph against finite differences.
final class TrainingBlockGradientTests: XCTestCase {
    let starts = [0, 3], lengths = [3, 5]
    var tokens: Int { lengths.reduce(0, +) }

    func testAttentionBackwardWithAndWithoutDropout() {
        for dropout: Float in [0, 0.3] {
            let shape = AttentionShape(starts: starts, lengths: lengths, heads: 2, headSize: 3)
            let width = shape.width
            let q = GradientCheck.random(tokens * width, seed: 20), k = GradientCheck.random(tokens * width, seed: 21)
            let v = GradientCheck.random(tokens * width, seed: 22), r = GradientCheck.random(tokens * width, seed: 23)
            func loss(_ q: [Float], _ k: [Float], _ v: [Float]) -> Double {
                var rng = SeededRandom(seed: 5)  // the same dropout mask every time
                var context = [Float](repeating: 0, count: tokens * width)
                attentionForward(query: q, key: k, value: v, shape: shape, dropout: dropout, rng: &rng, cache: AttentionCache(),
                                 context: &context)
                return GradientCheck.weightedSum(context, r)
            }
            var rng = SeededRandom(seed: 5)
            let cache = AttentionCache()
            var context = [Float](repeating: 0, count: tokens * width)
            attentionForward(query: q, key: k, value: v, shape: shape, dropout: dropout, rng: &rng, cache: cache, context: &context)
            var dq = context, dk = context, dv = context
            attentionBackward(contextGradient: r, query: q, key: k, value: v, shape: shape, dropout: dropout, cache: cache,
                              scratch: Buffer(), queryGradient: &dq, keyGradient: &dk, valueGradient: &dv)
            GradientCheck.assertMatches("dq p=\(dropout)", values: q, analytic: dq, epsilon: 3e-3) { loss($0, k, v) }
            GradientCheck.assertMatches("dk p=\(dropout)", values: k, analytic: dk, epsilon: 3e-3) { loss(q, $0, v) }
            GradientCheck.assertMatches("dv p=\(dropout)", values: v, analytic: dv, epsilon: 3e-3) { loss(q, k, $0) }
        }
    }

    func testClassifierHeadBackward() {
        let hidden = 6, width = 4, labels = 3
        var rng = SeededRandom(seed: 30)
        let head = ClassifierWeights.random(hidden: hidden, width: width, labels: labels, std: 0.6, rng: &rng)
        let x = GradientCheck.random(tokens * hidden, seed: 31)
        let r = GradientCheck.random(starts.count * labels, seed: 32)
        func loss(_ x: [Float], _ head: ClassifierWeights) -> Double {
            var logits = [Float](repeating: 0, count: starts.count * labels)
            classifierTrainingForward(head, heads: 2, hidden: x, starts: starts, lengths: lengths, cache: ClassifierCache(),
                                      logits: &logits)
            return GradientCheck.weightedSum(logits, r)
        }
        // The training forward must agree with the inference forward.
        var inference = [Float](repeating: 0, count: starts.count * labels)
        classifierForward(ClassifierRuntime(head, heads: 2), hidden: x, hiddenSize: hidden, starts: starts, lengths: lengths,
                          sequences: 0..<starts.count, scratch: ClassifierScratch(), logits: &inference)
        let cache = ClassifierCache()
        var logits = inference
        classifierTrainingForward(head, heads: 2, hidden: x, starts: starts, lengths: lengths, cache: cache, logits: &logits)
        XCTAssertLessThan(Fixtures.maxAbsDifference(logits, inference), 1e-5)

        let zero = LinearWeights(weight: Tensor(zeros: [1, 1]), bias: Tensor(zeros: [1]))
        var gradient = ClassifierWeights(input: zero, query: zero, key: zero, value: zero, attentionOutput: zero, hidden: zero, logits: zero)
        gradient.input = head.input.zeroGradient
        gradient.query = head.query.zeroGradient
        gradient.key = head.key.zeroGradient
        gradient.value = head.value.zeroGradient
        gradient.attentionOutput = head.attentionOutput.zeroGradient
        gradient.hidden = head.hidden.zeroGradient
        gradient.logits = head.logits.zeroGradient
        var dx = [Float](repeating: 0, count: tokens * hidden)
        classifierTrainingBackward(head, heads: 2, hidden: x, starts: starts, lengths: lengths, cache: cache,
                                   logitsGradient: r, weightGradient: &gradient, inputGradient: &dx)
        GradientCheck.assertMatches("dX", values: x, analytic: dx, epsilon: 3e-3) { loss($0, head) }
        let parts: [(String, WritableKeyPath<ClassifierWeights, LinearWeights>)] = [
            ("input", \.input), ("query", \.query), ("key", \.key), ("value", \.value),
            ("attentionOutput", \.attentionOutput), ("hidden", \.hidden), ("logits", \.logits),
        ]
        for (name, path) in parts {
            GradientCheck.assertMatches("\(name).weight", values: head[keyPath: path].weight.data,
                                        analytic: gradient[keyPath: path].weight.data, epsilon: 3e-3) {
                var changed = head
                changed[keyPath: path].weight.data = $0
                return loss(x, changed)
            }
            GradientCheck.assertMatches("\(name).bias", values: head[keyPath: path].bias.data,
                                        analytic: gradient[keyPath: path].bias.data, epsilon: 3e-3) {
                var changed = head
                changed[keyPath: path].bias.data = $0
                return loss(x, changed)
            }
        }
    }

    func testEncoderLayerBackwardWithDropout() {
        let config = BertConfig(vocabSize: 20, hiddenSize: 8, numLayers: 1, numHeads: 2, intermediateSize: 16, maxPositions: 16)
        let model = FastBERTModel.random(config: config, seed: 40, std: 0.4, withClassifiers: false)
        let layer = model.backbone.layers[0]
        let shape = AttentionShape(starts: starts, lengths: lengths, heads: 2, headSize: 4)
        let x = GradientCheck.random(tokens * 8, seed: 41), r = GradientCheck.random(tokens * 8, seed: 42)
        let dropout: Float = 0.2
        func forward(_ x: [Float], _ layer: EncoderLayerWeights, cache: EncoderLayerCache) -> [Float] {
            var rng = SeededRandom(seed: 6)
            var hidden = x
            encoderLayerTrainingForward(layer, hidden: &hidden, shape: shape, config: config, dropout: dropout, rng: &rng,
                                        cache: cache, scratch: EncoderLayerScratch())
            return hidden
        }
        func loss(_ x: [Float], _ layer: EncoderLayerWeights) -> Double {
            GradientCheck.weightedSum(forward(x, layer, cache: EncoderLayerCache()), r)
        }
        // Without dropout the training forward equals the inference forward.
        var inference = x
        encoderLayerForward(EncoderLayerRuntime(layer), hidden: &inference, starts: starts, lengths: lengths,
                            sequences: 0..<starts.count, config: config, scratch: EncoderScratch())
        var plain = x, rng = SeededRandom(seed: 1)
        encoderLayerTrainingForward(layer, hidden: &plain, shape: shape, config: config, dropout: 0, rng: &rng,
                                    cache: EncoderLayerCache(), scratch: EncoderLayerScratch())
        XCTAssertLessThan(Fixtures.maxAbsDifference(plain, inference), 1e-5)

        let cache = EncoderLayerCache(), scratch = EncoderLayerScratch()
        _ = forward(x, layer, cache: cache)
        var gradient = FastBERTModel.random(config: config, seed: 40, std: 0.4, withClassifiers: false)
            .zeroed(Parameters.backbone(config)).backbone.layers[0]
        var dx = r
        encoderLayerTrainingBackward(layer, gradient: &dx, shape: shape, config: config, dropout: dropout, cache: cache,
                                     scratch: scratch, weightGradient: &gradient)
        GradientCheck.assertMatches("dx", values: x, analytic: dx, epsilon: 3e-3) { loss($0, layer) }
        let linears: [(String, WritableKeyPath<EncoderLayerWeights, LinearWeights>)] = [
            ("query", \.query), ("key", \.key), ("value", \.value), ("attentionOutput", \.attentionOutput),
            ("intermediate", \.intermediate), ("output", \.output),
        ]
        for (name, path) in linears {
            GradientCheck.assertMatches("\(name).weight", values: layer[keyPath: path].weight.data,
                                        analytic: gradient[keyPath: path].weight.data, epsilon: 3e-3) {
                var changed = layer
                changed[keyPath: path].weight.data = $0
                return loss(x, changed)
            }
            GradientCheck.assertMatches("\(name).bias", values: layer[keyPath: path].bias.data,
                                        analytic: gradient[keyPath: path].bias.data, epsilon: 3e-3) {
                var changed = layer
                changed[keyPath: path].bias.data = $0
                return loss(x, changed)
            }
        }
        GradientCheck.assertMatches("attentionNorm.gamma", values: layer.attentionNorm.gamma.data,
                                    analytic: gradient.attentionNorm.gamma.data, epsilon: 3e-3) {
            var changed = layer
            changed.attentionNorm.gamma.data = $0
            return loss(x, changed)
        }
        GradientCheck.assertMatches("outputNorm.beta", values: layer.outputNorm.beta.data,
                                    analytic: gradient.outputNorm.beta.data, epsilon: 3e-3) {
            var changed = layer
            changed.outputNorm.beta.data = $0
            return loss(x, changed)
        }
    }

    /// Embeddings -> 2 layers -> teacher -> cross-entropy, with dropout: every parameter group checked.
    func testWholeFineTuningGraphBackward() throws {
        let config = BertConfig(vocabSize: 12, hiddenSize: 8, numLayers: 2, numHeads: 2, intermediateSize: 16, maxPositions: 8,
                                fastbert: FastBERTConfig(classifierHidden: 4, classifierHeads: 2, labels: ["x", "y", "z"]))
        let model = FastBERTModel.trainable(config: config, seed: 50, backboneStd: 0.4, headStd: 0.5)
        let batch = PackedBatch([[1, 5, 7, 2], [1, 9, 3, 3, 11, 2]]), targets = [2, 0]
        let graph = FineTuningGraph(config: config, threads: 1)
        let parameters = Parameters.backbone(config) + Parameters.classifier(1)
        func loss(_ model: FastBERTModel) -> Double {
            var rng = SeededRandom(seed: 9)
            var scratch = model.zeroed(parameters)
            return Double(try! graph.step(model: model, batch: batch, targets: targets, dropout: 0.1, rng: &rng,
                                          gradients: &scratch, frozenBackbone: nil))
        }
        var gradients = model.zeroed(parameters)
        var rng = SeededRandom(seed: 9)
        _ = try graph.step(model: model, batch: batch, targets: targets, dropout: 0.1, rng: &rng, gradients: &gradients,
                           frozenBackbone: nil)
        for parameter in parameters {
            let values = model[keyPath: parameter.path].data
            // Embedding rows never read have zero gradient both ways; check only rows that were read.
            let analytic = gradients[keyPath: parameter.path].data
            GradientCheck.assertMatches(parameter.name, values: values, analytic: analytic, samples: 12, epsilon: 1e-2,
                                        absoluteTolerance: 5e-4) {
                var changed = model
                changed[keyPath: parameter.path].data = $0
                return loss(changed)
            }
        }
    }
}
