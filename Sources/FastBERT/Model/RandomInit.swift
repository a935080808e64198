/// Random initialisation (normal, std 0.02, zero biases, unit LayerNorm), as BERT does.
/// Used for new classifiers before training and for tiny models in tests.
extension LinearWeights {
    public static func random(out: Int, in inFeatures: Int, std: Float = 0.02, rng: inout SeededRandom) -> LinearWeights {
        LinearWeights(
            weight: Tensor(shape: [out, inFeatures], data: (0..<out * inFeatures).map { _ in rng.nextNormal() * std }),
            bias: Tensor(zeros: [out]))
    }
}

extension LayerNormWeights {
    public static func identity(_ size: Int) -> LayerNormWeights {
        LayerNormWeights(gamma: Tensor(shape: [size], data: .init(repeating: 1, count: size)), beta: Tensor(zeros: [size]))
    }
}

extension ClassifierWeights {
    public static func random(hidden: Int, width: Int, labels: Int, std: Float = 0.02, rng: inout SeededRandom) -> ClassifierWeights {
        ClassifierWeights(
            input: .random(out: width, in: hidden, std: std, rng: &rng),
            query: .random(out: width, in: width, std: std, rng: &rng),
            key: .random(out: width, in: width, std: std, rng: &rng),
            value: .random(out: width, in: width, std: std, rng: &rng),
            attentionOutput: .random(out: width, in: width, std: std, rng: &rng),
            hidden: .random(out: width, in: width, std: std, rng: &rng),
            logits: .random(out: labels, in: width, std: std, rng: &rng))
    }
}

extension FastBERTModel {
    /// New classifiers for every layer, for `labels`, keeping the backbone.
    public func withNewClassifiers(labels: [String], seed: UInt64) -> FastBERTModel {
        var copy = self
        var rng = SeededRandom(seed: seed)
        copy.config.fastbert.labels = labels
        copy.config.fastbert.teacherTrained = false
        copy.config.fastbert.studentsDistilled = false
        copy.classifiers = (0..<config.numLayers).map { _ in
            .random(hidden: config.hiddenSize, width: config.fastbert.classifierHidden, labels: labels.count, rng: &rng)
        }
        return copy
    }

    /// A model with random weights throughout; `std` is larger than BERT's so that tiny test
    /// models give varied, non-uniform predictions.
    public static func random(config: BertConfig, seed: UInt64, std: Float = 0.02, withClassifiers: Bool = true) -> FastBERTModel {
        var rng = SeededRandom(seed: seed)
        let h = config.hiddenSize
        func normal(_ shape: [Int]) -> Tensor {
            Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.nextNormal() * std })
        }
        let embeddings = EmbeddingWeights(
            word: normal([config.vocabSize, h]), position: normal([config.maxPositions, h]),
            tokenType: normal([config.typeVocabSize, h]), norm: .identity(h))
        let layers = (0..<config.numLayers).map { _ in
            EncoderLayerWeights(
                query: .random(out: h, in: h, std: std, rng: &rng), key: .random(out: h, in: h, std: std, rng: &rng),
                value: .random(out: h, in: h, std: std, rng: &rng),
                attentionOutput: .random(out: h, in: h, std: std, rng: &rng), attentionNorm: .identity(h),
                intermediate: .random(out: config.intermediateSize, in: h, std: std, rng: &rng),
                output: .random(out: h, in: config.intermediateSize, std: std, rng: &rng), outputNorm: .identity(h))
        }
        var model = FastBERTModel(config: config, backbone: BertWeights(embeddings: embeddings, layers: layers), classifiers: [])
        if withClassifiers {
            let labels = config.fastbert.labels.isEmpty ? ["negative", "positive"] : config.fastbert.labels
            model = model.withNewClassifiers(labels: labels, seed: seed &+ 1)
            // Scale up head weights so random heads are confident on some inputs and not others.
            var r2 = SeededRandom(seed: seed &+ 2)
            model.classifiers = model.classifiers.map { _ in
                .random(hidden: h, width: config.fastbert.classifierHidden, labels: labels.count, std: std * 10, rng: &r2)
            }
        }
        return model
    }
}
