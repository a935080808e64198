/// Tensor names in model.safetensors. The backbone uses Hugging Face BERT names (optionally
/// under `bert.`); the FastBERT classifiers live under `fastbert.classifiers.{i}` where i is
/// the 0-based layer the classifier reads (the last one is the teacher). See docs/model-format.md.
enum TensorNames {
    static let wordEmbeddings = "embeddings.word_embeddings.weight"
    static let positionEmbeddings = "embeddings.position_embeddings.weight"
    static let tokenTypeEmbeddings = "embeddings.token_type_embeddings.weight"
    static let embeddingNorm = "embeddings.LayerNorm"

    static func layer(_ i: Int) -> String { "encoder.layer.\(i)" }
    static func classifier(_ i: Int) -> String { "fastbert.classifiers.\(i)" }

    enum Layer {
        static let query = "attention.self.query"
        static let key = "attention.self.key"
        static let value = "attention.self.value"
        static let attentionOutput = "attention.output.dense"
        static let attentionNorm = "attention.output.LayerNorm"
        static let intermediate = "intermediate.dense"
        static let output = "output.dense"
        static let outputNorm = "output.LayerNorm"
    }

    enum Classifier {
        static let input = "dense_in"
        static let query = "attention.query"
        static let key = "attention.key"
        static let value = "attention.value"
        static let attentionOutput = "attention.output"
        static let hidden = "dense_hidden"
        static let logits = "dense_logits"
    }
}
