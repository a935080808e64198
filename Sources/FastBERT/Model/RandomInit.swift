/// Random initialisation as BERT does it: Linear weights and embeddings normal with std 0.02,
/// biases zero, LayerNorm scale one and shift zero. Used for new classifiers before training
/// and for tiny models in tests.
extension TensorRole {
    func initialValue(_ shape: [Int], std: Float, rng: inout SeededRandom) -> Tensor {
        let count = shape.reduce(1, *)
        switch self {
        case .weight, .embedding: return Tensor(shape: shape, data: (0..<count).map { _ in rng.nextNormal() * std })
        case .bias, .normShift: return Tensor(zeros: shape)
        case .normScale: return Tensor(shape: shape, data: [Float](repeating: 1, count: count))
        }
    }
}

extension ClassifierWeights {
    public static func random(hidden: Int, width: Int, labels: Int, std: Float = 0.02, rng: inout SeededRandom) -> ClassifierWeights {
        let sizes: [Dimension: Int] = [.hidden: hidden, .classifierWidth: width, .labels: labels]
        return build { slot in slot.role.initialValue(slot.dimensions.map { sizes[$0]! }, std: std, rng: &rng) }
    }
}

extension FastBERTModel {
    /// New untrained classifiers for every layer, for `labels`, keeping the backbone.
    public func withNewClassifiers(labels: [String], seed: UInt64) -> FastBERTModel {
        var copy = self
        copy.config.fastbert.labels = labels
        copy.config.fastbert.teacherTrained = false
        copy.config.fastbert.studentsDistilled = false
        var rng = SeededRandom(seed: seed)
        copy.classifiers = Self.buildClassifiers(copy.config) { $0.role.initialValue($0.shape, std: 0.02, rng: &rng) }
        return copy
    }

    /// A model with random weights throughout. `std` defaults to BERT's 0.02; tests pass larger
    /// values so that tiny models give varied predictions. The classifiers (for the config's
    /// labels, or two) get 10 × `std`, so that random heads are confident on some inputs and not others.
    public static func random(config: BertConfig, seed: UInt64, std: Float = 0.02, withClassifiers: Bool = true) -> FastBERTModel {
        var rng = SeededRandom(seed: seed)
        let backbone = buildBackbone(config) { $0.role.initialValue($0.shape, std: std, rng: &rng) }
        var model = FastBERTModel(config: config, backbone: backbone, classifiers: [])
        if withClassifiers {
            if model.config.fastbert.labels.isEmpty { model.config.fastbert.labels = ["negative", "positive"] }
            model.config.fastbert.teacherTrained = false
            model.config.fastbert.studentsDistilled = false
            var headRNG = SeededRandom(seed: seed &+ 2)
            model.classifiers = buildClassifiers(model.config) { $0.role.initialValue($0.shape, std: std * 10, rng: &headRNG) }
        }
        return model
    }
}
