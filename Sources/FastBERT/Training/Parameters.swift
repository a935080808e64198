/// One trainable tensor of a FastBERTModel: its safetensors name, where it lives, and whether
/// AdamW's weight decay applies (not to biases and LayerNorm parameters).
public struct Parameter: @unchecked Sendable {
    public let name: String
    /// For reading. Writes go through `FastBERTModel.withParameter`, which reaches array
    /// elements in place (a key path through an array subscript copies the tensor on write).
    let path: WritableKeyPath<FastBERTModel, Tensor>
    let location: Location
    let decays: Bool

    enum Location {
        case embeddings(WritableKeyPath<EmbeddingWeights, Tensor>)
        case layer(Int, WritableKeyPath<EncoderLayerWeights, Tensor>)
        case classifier(Int, WritableKeyPath<ClassifierWeights, Tensor>)
    }
}

/// The trainable parameters of the backbone (embeddings + layers) and of one classifier head,
/// from the tables in ModelLayout.
enum Parameters {
    static func backbone(_ config: BertConfig) -> [Parameter] {
        ModelLayout.embeddings.parameters + (0..<config.numLayers).flatMap { ModelLayout.layer($0).parameters }
    }

    static func classifier(_ index: Int) -> [Parameter] { ModelLayout.classifier(index).parameters }
}

extension FastBERTModel {
    /// A copy whose `parameters` are zero-filled; the other tensors share storage with `self`.
    func zeroed(_ parameters: [Parameter]) -> FastBERTModel {
        var copy = self
        for p in parameters {
            let shape = self[keyPath: p.path].shape
            copy.withParameter(p) { $0 = Tensor(zeros: shape) }
        }
        return copy
    }

    mutating func zeroGradients(_ parameters: [Parameter]) {
        for p in parameters { withParameter(p) { $0.zero() } }
    }

    /// In-place access to one parameter tensor.
    mutating func withParameter<R>(_ p: Parameter, _ body: (inout Tensor) throws -> R) rethrows -> R {
        switch p.location {
        case .embeddings(let path): try body(&backbone.embeddings[keyPath: path])
        case .layer(let i, let path): try body(&backbone.layers[i][keyPath: path])
        case .classifier(let i, let path): try body(&classifiers[i][keyPath: path])
        }
    }
}
