/// The parameters of a BERT encoder and its FastBERT classifiers, in the Hugging Face layout:
/// every Linear weight is [out, in].
public struct LinearWeights: Sendable, Equatable {
    public var weight: Tensor
    public var bias: Tensor

    public init(weight: Tensor, bias: Tensor) {
        self.weight = weight
        self.bias = bias
    }

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }
}

public struct LayerNormWeights: Sendable, Equatable {
    public var gamma: Tensor
    public var beta: Tensor

    public init(gamma: Tensor, beta: Tensor) {
        self.gamma = gamma
        self.beta = beta
    }
}

public struct EmbeddingWeights: Sendable, Equatable {
    public var word: Tensor  // [vocab, H]
    public var position: Tensor  // [maxPositions, H]
    public var tokenType: Tensor  // [typeVocab, H]
    public var norm: LayerNormWeights
}

public struct EncoderLayerWeights: Sendable, Equatable {
    public var query: LinearWeights
    public var key: LinearWeights
    public var value: LinearWeights
    public var attentionOutput: LinearWeights
    public var attentionNorm: LayerNormWeights
    public var intermediate: LinearWeights
    public var output: LinearWeights
    public var outputNorm: LayerNormWeights
}

public struct BertWeights: Sendable, Equatable {
    public var embeddings: EmbeddingWeights
    public var layers: [EncoderLayerWeights]
}

/// One FastBERT classifier (a student after layers 1..L-1, the teacher after layer L):
/// FC H->C + tanh, self-attention at width C (Q/K/V/O projections), [CLS] row,
/// FC C->C + tanh, FC C->N.
public struct ClassifierWeights: Sendable, Equatable {
    public var input: LinearWeights
    public var query: LinearWeights
    public var key: LinearWeights
    public var value: LinearWeights
    public var attentionOutput: LinearWeights
    public var hidden: LinearWeights
    public var logits: LinearWeights

    public var width: Int { input.outFeatures }
    public var numLabels: Int { logits.outFeatures }
}
