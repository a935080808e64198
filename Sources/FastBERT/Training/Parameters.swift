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

/// Lists of parameters: the backbone (embeddings + layers) and classifier heads.
enum Parameters {
    static func backbone(_ config: BertConfig) -> [Parameter] {
        let embeddings = Group<EmbeddingWeights>(root: \.backbone.embeddings, place: { .embeddings($0) })
        var list = [
            embeddings.tensor(TensorNames.wordEmbeddings, \.word, decays: true),
            embeddings.tensor(TensorNames.positionEmbeddings, \.position, decays: true),
            embeddings.tensor(TensorNames.tokenTypeEmbeddings, \.tokenType, decays: true),
        ]
        list += embeddings.norm(TensorNames.embeddingNorm, \.norm)
        for i in 0..<config.numLayers {
            let layer = Group<EncoderLayerWeights>(root: \.backbone.layers[i], place: { .layer(i, $0) })
            let p = TensorNames.layer(i)
            typealias N = TensorNames.Layer
            list += layer.linear("\(p).\(N.query)", \.query)
            list += layer.linear("\(p).\(N.key)", \.key)
            list += layer.linear("\(p).\(N.value)", \.value)
            list += layer.linear("\(p).\(N.attentionOutput)", \.attentionOutput)
            list += layer.norm("\(p).\(N.attentionNorm)", \.attentionNorm)
            list += layer.linear("\(p).\(N.intermediate)", \.intermediate)
            list += layer.linear("\(p).\(N.output)", \.output)
            list += layer.norm("\(p).\(N.outputNorm)", \.outputNorm)
        }
        return list
    }

    static func classifier(_ index: Int) -> [Parameter] {
        let head = Group<ClassifierWeights>(root: \.classifiers[index], place: { .classifier(index, $0) })
        let p = TensorNames.classifier(index)
        typealias N = TensorNames.Classifier
        return head.linear("\(p).\(N.input)", \.input) + head.linear("\(p).\(N.query)", \.query)
            + head.linear("\(p).\(N.key)", \.key) + head.linear("\(p).\(N.value)", \.value)
            + head.linear("\(p).\(N.attentionOutput)", \.attentionOutput) + head.linear("\(p).\(N.hidden)", \.hidden)
            + head.linear("\(p).\(N.logits)", \.logits)
    }

    /// Builds Parameters for the tensors inside one weights struct (embeddings, a layer, a head).
    private struct Group<Weights> {
        let root: WritableKeyPath<FastBERTModel, Weights>
        let place: (WritableKeyPath<Weights, Tensor>) -> Parameter.Location

        func tensor(_ name: String, _ path: WritableKeyPath<Weights, Tensor>, decays: Bool) -> Parameter {
            Parameter(name: name, path: root.appending(path: path), location: place(path), decays: decays)
        }

        func linear(_ name: String, _ path: WritableKeyPath<Weights, LinearWeights>) -> [Parameter] {
            [tensor(name + ".weight", path.appending(path: \.weight), decays: true),
             tensor(name + ".bias", path.appending(path: \.bias), decays: false)]
        }

        func norm(_ name: String, _ path: WritableKeyPath<Weights, LayerNormWeights>) -> [Parameter] {
            [tensor(name + ".weight", path.appending(path: \.gamma), decays: false),
             tensor(name + ".bias", path.appending(path: \.beta), decays: false)]
        }
    }
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
