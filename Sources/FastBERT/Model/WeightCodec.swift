/// A model's weights to and from named tensors, through the tables in ModelLayout.
extension FastBERTModel {
    /// The backbone with each tensor from `make`, which gets the tensor's spec for `config`.
    static func buildBackbone(_ config: BertConfig, _ make: (TensorSpec) throws -> Tensor) rethrows -> BertWeights {
        let embeddings = try ModelLayout.embeddings.build(config, make)
        var layers: [EncoderLayerWeights] = []
        for i in 0..<config.numLayers { layers.append(try ModelLayout.layer(i).build(config, make)) }
        return BertWeights(embeddings: embeddings, layers: layers)
    }

    /// One classifier per layer, each tensor from `make`.
    static func buildClassifiers(_ config: BertConfig, _ make: (TensorSpec) throws -> Tensor) rethrows -> [ClassifierWeights] {
        var classifiers: [ClassifierWeights] = []
        for i in 0..<config.numLayers { classifiers.append(try ModelLayout.classifier(i).build(config, make)) }
        return classifiers
    }

    /// Every tensor under its file name.
    public func namedTensors() -> [String: Tensor] { backboneTensors().merging(classifierTensors()) { a, _ in a } }

    func backboneTensors() -> [String: Tensor] {
        let parts = ModelLayout.embeddings.tensors(in: self) + backbone.layers.indices.flatMap { ModelLayout.layer($0).tensors(in: self) }
        return Dictionary(uniqueKeysWithValues: parts)
    }

    func classifierTensors() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: classifiers.indices.flatMap { ModelLayout.classifier($0).tensors(in: self) })
    }

    /// Reads the backbone and, when the file has any, the classifiers.
    static func decode(_ reader: WeightReader, config: BertConfig) throws -> FastBERTModel {
        let backbone = try buildBackbone(config, reader.tensor)
        var classifiers: [ClassifierWeights] = []
        if reader.hasTensors(under: ModelLayout.classifierNamespace) {
            guard config.fastbert.numLabels >= 2 else {
                throw ModelFileError.badConfig(
                    file: reader.file.path,
                    detail: "classifier tensors present but config.json lists \(config.fastbert.numLabels) labels (id2label)")
            }
            classifiers = try buildClassifiers(config, reader.tensor)
        }
        return FastBERTModel(config: config, backbone: backbone, classifiers: classifiers)
    }
}
