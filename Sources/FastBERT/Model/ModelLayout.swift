/// The FastBERT architecture's tensors, listed once: each part's tensors (name, shape, role, field)
/// and where the parts sit. Backbone names are Hugging Face BERT's; classifier i reads the output
/// of layer i+1 (the last is the teacher). See docs/model-format.md.
enum ModelLayout {
    static let embeddings = PartPlacement<EmbeddingWeights>(
        prefix: "embeddings", root: \.backbone.embeddings, location: { .embeddings($0) })

    static func layer(_ i: Int) -> PartPlacement<EncoderLayerWeights> {
        PartPlacement(prefix: "encoder.layer.\(i)", root: \.backbone.layers[i], location: { .layer(i, $0) })
    }

    static let classifierNamespace = "fastbert.classifiers"

    static func classifier(_ i: Int) -> PartPlacement<ClassifierWeights> {
        PartPlacement(prefix: "\(classifierNamespace).\(i)", root: \.classifiers[i], location: { .classifier(i, $0) })
    }

    /// Every tensor of a model with `config`'s backbone and, if asked, its classifiers, in file-table order.
    static func specs(_ config: BertConfig, classifiers: Bool) -> [TensorSpec] {
        var list = embeddings.specs(config) + (0..<config.numLayers).flatMap { layer($0).specs(config) }
        if classifiers { list += (0..<config.numLayers).flatMap { classifier($0).specs(config) } }
        return list
    }
}

extension EmbeddingWeights: WeightPart {
    static let slots: [TensorSlot<EmbeddingWeights>] = [
        tensor("word_embeddings.weight", \.word, [.vocab, .hidden], .embedding),
        tensor("position_embeddings.weight", \.position, [.positions, .hidden], .embedding),
        tensor("token_type_embeddings.weight", \.tokenType, [.typeVocab, .hidden], .embedding),
        norm("LayerNorm", \.norm, .hidden),
    ].flatMap { $0 }

    static let unfilled = EmbeddingWeights(word: .unfilled, position: .unfilled, tokenType: .unfilled, norm: .unfilled)
}

extension EncoderLayerWeights: WeightPart {
    static let slots: [TensorSlot<EncoderLayerWeights>] = [
        linear("attention.self.query", \.query, out: .hidden, in: .hidden),
        linear("attention.self.key", \.key, out: .hidden, in: .hidden),
        linear("attention.self.value", \.value, out: .hidden, in: .hidden),
        linear("attention.output.dense", \.attentionOutput, out: .hidden, in: .hidden),
        norm("attention.output.LayerNorm", \.attentionNorm, .hidden),
        linear("intermediate.dense", \.intermediate, out: .intermediate, in: .hidden),
        linear("output.dense", \.output, out: .hidden, in: .intermediate),
        norm("output.LayerNorm", \.outputNorm, .hidden),
    ].flatMap { $0 }

    static let unfilled = EncoderLayerWeights(
        query: .unfilled, key: .unfilled, value: .unfilled, attentionOutput: .unfilled, attentionNorm: .unfilled,
        intermediate: .unfilled, output: .unfilled, outputNorm: .unfilled)
}

extension ClassifierWeights: WeightPart {
    static let slots: [TensorSlot<ClassifierWeights>] = [
        linear("dense_in", \.input, out: .classifierWidth, in: .hidden),
        linear("attention.query", \.query, out: .classifierWidth, in: .classifierWidth),
        linear("attention.key", \.key, out: .classifierWidth, in: .classifierWidth),
        linear("attention.value", \.value, out: .classifierWidth, in: .classifierWidth),
        linear("attention.output", \.attentionOutput, out: .classifierWidth, in: .classifierWidth),
        linear("dense_hidden", \.hidden, out: .classifierWidth, in: .classifierWidth),
        linear("dense_logits", \.logits, out: .labels, in: .classifierWidth),
    ].flatMap { $0 }

    static let unfilled = ClassifierWeights(
        input: .unfilled, query: .unfilled, key: .unfilled, value: .unfilled, attentionOutput: .unfilled,
        hidden: .unfilled, logits: .unfilled)
}
