/// The vocabulary of the model's tensor tables (ModelLayout.swift): each weights struct lists its
/// tensors once as slots (name, shape in config dimensions, role, key path), and a part is placed
/// in the model under a name prefix. The writer, the reader, the trainable-parameter list and
/// random initialisation all walk those lists, so they cannot disagree.

/// What a tensor does; decides AdamW's weight decay and the random initial value.
enum TensorRole: Sendable, Equatable {
    /// A Linear weight [out, in]: decayed, normal at init.
    case weight
    /// An embedding table [rows, H]: decayed, normal at init.
    case embedding
    /// A Linear bias: not decayed, zero at init.
    case bias
    /// LayerNorm's scale (HF `weight`, TF `gamma`): not decayed, one at init.
    case normScale
    /// LayerNorm's shift (HF `bias`, TF `beta`): not decayed, zero at init.
    case normShift

    var decays: Bool { self == .weight || self == .embedding }
}

/// One size in a tensor's shape, named after the config field it comes from.
enum Dimension: Sendable, Hashable {
    case vocab, positions, typeVocab, hidden, intermediate, classifierWidth, labels
}

extension BertConfig {
    func size(_ dimension: Dimension) -> Int {
        switch dimension {
        case .vocab: vocabSize
        case .positions: maxPositions
        case .typeVocab: typeVocabSize
        case .hidden: hiddenSize
        case .intermediate: intermediateSize
        case .classifierWidth: fastbert.classifierHidden
        case .labels: fastbert.numLabels
        }
    }
}

/// One tensor of the weights struct `Part`, at `path` inside it.
struct TensorSlot<Part>: @unchecked Sendable {  // key paths are immutable
    let name: String
    let dimensions: [Dimension]
    let role: TensorRole
    let path: WritableKeyPath<Part, Tensor>
}

/// A weights struct described by its tensor slots.
protocol WeightPart {
    static var slots: [TensorSlot<Self>] { get }
    /// A value whose every tensor is a slot, replaced when the part is built.
    static var unfilled: Self { get }
}

extension WeightPart {
    /// The part with each slot's tensor from `tensor`, in slot order.
    static func build(_ tensor: (TensorSlot<Self>) throws -> Tensor) rethrows -> Self {
        var part = unfilled
        for slot in slots { part[keyPath: slot.path] = try tensor(slot) }
        return part
    }

    static func tensor(
        _ name: String, _ path: WritableKeyPath<Self, Tensor>, _ dimensions: [Dimension], _ role: TensorRole
    ) -> [TensorSlot<Self>] {
        [TensorSlot(name: name, dimensions: dimensions, role: role, path: path)]
    }

    /// A Linear layer's two tensors under HF's names: `name.weight` [out, in] and `name.bias` [out].
    static func linear(
        _ name: String, _ path: WritableKeyPath<Self, LinearWeights>, out: Dimension, in inFeatures: Dimension
    ) -> [TensorSlot<Self>] {
        tensor(name + ".weight", path.appending(path: \.weight), [out, inFeatures], .weight)
            + tensor(name + ".bias", path.appending(path: \.bias), [out], .bias)
    }

    /// A LayerNorm's two tensors under HF's names: `name.weight` and `name.bias`, both [size].
    static func norm(_ name: String, _ path: WritableKeyPath<Self, LayerNormWeights>, _ size: Dimension) -> [TensorSlot<Self>] {
        tensor(name + ".weight", path.appending(path: \.gamma), [size], .normScale)
            + tensor(name + ".bias", path.appending(path: \.beta), [size], .normShift)
    }
}

extension Tensor {
    static let unfilled = Tensor(shape: [0], data: [])
}

extension LinearWeights {
    static let unfilled = LinearWeights(weight: .unfilled, bias: .unfilled)
}

extension LayerNormWeights {
    static let unfilled = LayerNormWeights(gamma: .unfilled, beta: .unfilled)
}

/// One tensor as files and initialisers see it: its full name, its shape for a config, its role.
struct TensorSpec: Sendable, Equatable, CustomStringConvertible {
    let name: String
    let shape: [Int]
    /// The config dimension of each axis of `shape`.
    let dimensions: [Dimension]
    let role: TensorRole

    var description: String { "\(name) \(shape)" }
}

/// Where a part sits in a FastBERTModel: the name prefix of its tensors in files, and its key path.
struct PartPlacement<Part: WeightPart>: @unchecked Sendable {
    let prefix: String
    let root: WritableKeyPath<FastBERTModel, Part>
    let location: @Sendable (WritableKeyPath<Part, Tensor>) -> Parameter.Location

    func name(_ slot: TensorSlot<Part>) -> String { prefix + "." + slot.name }

    func spec(_ slot: TensorSlot<Part>, _ config: BertConfig) -> TensorSpec {
        TensorSpec(name: name(slot), shape: slot.dimensions.map(config.size), dimensions: slot.dimensions, role: slot.role)
    }

    func specs(_ config: BertConfig) -> [TensorSpec] { Part.slots.map { spec($0, config) } }

    /// The part with each tensor from `make`, which gets the tensor's spec for `config`.
    func build(_ config: BertConfig, _ make: (TensorSpec) throws -> Tensor) rethrows -> Part {
        try Part.build { try make(spec($0, config)) }
    }

    /// This part's tensors in `model`, by full name.
    func tensors(in model: FastBERTModel) -> [(name: String, tensor: Tensor)] {
        let part = model[keyPath: root]
        return Part.slots.map { (name($0), part[keyPath: $0.path]) }
    }

    var parameters: [Parameter] {
        Part.slots.map {
            Parameter(name: name($0), path: root.appending(path: $0.path), location: location($0.path), decays: $0.role.decays)
        }
    }
}
