/// Maps a model's weights to and from named tensors (see TensorNames).
extension FastBERTModel {
    public func namedTensors() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        func put(_ name: String, _ linear: LinearWeights) {
            out["\(name).weight"] = linear.weight
            out["\(name).bias"] = linear.bias
        }
        func put(_ name: String, _ norm: LayerNormWeights) {
            out["\(name).weight"] = norm.gamma
            out["\(name).bias"] = norm.beta
        }
        let e = backbone.embeddings
        out[TensorNames.wordEmbeddings] = e.word
        out[TensorNames.positionEmbeddings] = e.position
        out[TensorNames.tokenTypeEmbeddings] = e.tokenType
        put(TensorNames.embeddingNorm, e.norm)
        for (i, layer) in backbone.layers.enumerated() {
            let p = TensorNames.layer(i)
            typealias N = TensorNames.Layer
            put("\(p).\(N.query)", layer.query)
            put("\(p).\(N.key)", layer.key)
            put("\(p).\(N.value)", layer.value)
            put("\(p).\(N.attentionOutput)", layer.attentionOutput)
            put("\(p).\(N.attentionNorm)", layer.attentionNorm)
            put("\(p).\(N.intermediate)", layer.intermediate)
            put("\(p).\(N.output)", layer.output)
            put("\(p).\(N.outputNorm)", layer.outputNorm)
        }
        for (i, head) in classifiers.enumerated() {
            let p = TensorNames.classifier(i)
            typealias N = TensorNames.Classifier
            put("\(p).\(N.input)", head.input)
            put("\(p).\(N.query)", head.query)
            put("\(p).\(N.key)", head.key)
            put("\(p).\(N.value)", head.value)
            put("\(p).\(N.attentionOutput)", head.attentionOutput)
            put("\(p).\(N.hidden)", head.hidden)
            put("\(p).\(N.logits)", head.logits)
        }
        return out
    }

    /// Reads the backbone (with or without the `bert.` prefix) and, when present, the classifiers.
    public static func decode(file: SafeTensorsFile, config: BertConfig) throws -> FastBERTModel {
        let prefix = file.contains("bert." + TensorNames.wordEmbeddings) ? "bert." : ""
        let h = config.hiddenSize
        func tensor(_ name: String, _ shape: [Int]) throws -> Tensor { try file.tensor(prefix + name, shape: shape) }
        func linear(_ name: String, out: Int, in inFeatures: Int, prefix p: String? = nil) throws -> LinearWeights {
            let full = (p ?? prefix) + name
            return LinearWeights(
                weight: try file.tensor("\(full).weight", shape: [out, inFeatures]),
                bias: try file.tensor("\(full).bias", shape: [out]))
        }
        func norm(_ name: String) throws -> LayerNormWeights {
            // Old TF-converted checkpoints call LayerNorm parameters gamma/beta.
            let gammaName = file.contains(prefix + name + ".gamma") ? ".gamma" : ".weight"
            let betaName = file.contains(prefix + name + ".beta") ? ".beta" : ".bias"
            return LayerNormWeights(gamma: try tensor(name + gammaName, [h]), beta: try tensor(name + betaName, [h]))
        }
        let embeddings = EmbeddingWeights(
            word: try tensor(TensorNames.wordEmbeddings, [config.vocabSize, h]),
            position: try tensor(TensorNames.positionEmbeddings, [config.maxPositions, h]),
            tokenType: try tensor(TensorNames.tokenTypeEmbeddings, [config.typeVocabSize, h]),
            norm: try norm(TensorNames.embeddingNorm))
        var layers: [EncoderLayerWeights] = []
        for i in 0..<config.numLayers {
            let p = TensorNames.layer(i)
            typealias N = TensorNames.Layer
            let ff = config.intermediateSize
            layers.append(EncoderLayerWeights(
                query: try linear("\(p).\(N.query)", out: h, in: h),
                key: try linear("\(p).\(N.key)", out: h, in: h),
                value: try linear("\(p).\(N.value)", out: h, in: h),
                attentionOutput: try linear("\(p).\(N.attentionOutput)", out: h, in: h),
                attentionNorm: try norm("\(p).\(N.attentionNorm)"),
                intermediate: try linear("\(p).\(N.intermediate)", out: ff, in: h),
                output: try linear("\(p).\(N.output)", out: h, in: ff),
                outputNorm: try norm("\(p).\(N.outputNorm)")))
        }
        var classifiers: [ClassifierWeights] = []
        if file.contains(TensorNames.classifier(0) + "." + TensorNames.Classifier.input + ".weight") {
            guard config.fastbert.numLabels >= 2 else {
                throw ModelFileError.badConfig(
                    file: file.path,
                    detail: "classifier tensors present but config.json lists \(config.fastbert.numLabels) labels (id2label)")
            }
            classifiers = try decodeClassifiers(file: file, config: config)
        }
        return FastBERTModel(config: config, backbone: BertWeights(embeddings: embeddings, layers: layers), classifiers: classifiers)
    }

    /// Reads only the classifier tensors of `file` for `config`.
    static func decodeClassifiers(file: SafeTensorsFile, config: BertConfig) throws -> [ClassifierWeights] {
        let h = config.hiddenSize, c = config.fastbert.classifierHidden, n = config.fastbert.numLabels
        return try (0..<config.numLayers).map { i in
            let p = TensorNames.classifier(i)
            typealias N = TensorNames.Classifier
            func lin(_ name: String, _ out: Int, _ inFeatures: Int) throws -> LinearWeights {
                LinearWeights(weight: try file.tensor("\(p).\(name).weight", shape: [out, inFeatures]),
                              bias: try file.tensor("\(p).\(name).bias", shape: [out]))
            }
            return ClassifierWeights(
                input: try lin(N.input, c, h), query: try lin(N.query, c, c), key: try lin(N.key, c, c),
                value: try lin(N.value, c, c), attentionOutput: try lin(N.attentionOutput, c, c),
                hidden: try lin(N.hidden, c, c), logits: try lin(N.logits, n, c))
        }
    }
}
