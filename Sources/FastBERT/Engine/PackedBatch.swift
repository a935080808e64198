/// Sequences laid end to end with no padding: dense layers run over all tokens at once,
/// attention runs per sequence over `starts[i] ..< starts[i] + lengths[i]`.
public struct PackedBatch: Sendable, Equatable {
    public private(set) var tokenIds: [Int32] = []
    public private(set) var starts: [Int] = []
    public private(set) var lengths: [Int] = []

    public init() {}

    public init(_ sequences: [[Int32]]) {
        tokenIds.reserveCapacity(sequences.reduce(0) { $0 + $1.count })
        for sequence in sequences { append(sequence) }
    }

    public mutating func append(_ sequence: [Int32]) {
        precondition(!sequence.isEmpty, "a sequence needs at least the [CLS] token")
        starts.append(tokenIds.count)
        lengths.append(sequence.count)
        tokenIds.append(contentsOf: sequence)
    }

    public var count: Int { lengths.count }
    public var tokenCount: Int { tokenIds.count }
    public var maxLength: Int { lengths.max() ?? 0 }

    /// Packs a padded batch, keeping each row's tokens up to its attention-mask length.
    /// Masks must be a prefix of ones followed by zeros (right padding), as tokenizers produce.
    public init(padded inputIds: [[Int32]], attentionMask: [[Int32]]) throws {
        precondition(inputIds.count == attentionMask.count, "one mask row per input row")
        for (row, (ids, mask)) in zip(inputIds, attentionMask).enumerated() {
            let length = mask.prefix { $0 != 0 }.count
            guard mask.dropFirst(length).allSatisfy({ $0 == 0 }), length <= ids.count, length > 0 else {
                throw EngineError.unsupportedMask(row: row)
            }
            append(Array(ids.prefix(length)))
        }
    }
}

public enum EngineError: Error, Equatable, CustomStringConvertible {
    case unsupportedMask(row: Int)
    case noClassifiers(String)
    case sequenceTooLong(index: Int, length: Int, max: Int)
    case tokenOutOfRange(index: Int, token: Int32, vocabSize: Int)

    public var description: String {
        switch self {
        case .unsupportedMask(let row): "attention mask row \(row) is not ones followed by zeros (right padding)"
        case .noClassifiers(let why): why
        case .sequenceTooLong(let index, let length, let max): "sequence \(index) has \(length) tokens, the model takes at most \(max)"
        case .tokenOutOfRange(let index, let token, let vocabSize): "sequence \(index) has token id \(token) outside the vocabulary (\(vocabSize))"
        }
    }
}
