/// Mutable state of one `encode` call: the word being collected and the ids emitted so far.
struct EncodingSession {
    private let model: WordPieceModel
    /// Cap on `ids.count`, leaving room for the final separator.
    private let limit: Int
    private var ids: [Int32]
    private var word: [UInt8] = []
    private var scalarStarts: [Int] = []

    init(model: WordPieceModel, classifierID: Int32, maxLength: Int) {
        self.model = model
        limit = maxLength - 1
        ids = [classifierID]
        ids.reserveCapacity(min(maxLength, 128))
    }

    /// Later words would be truncated away, so callers may stop feeding text.
    var isFull: Bool { ids.count >= limit }

    mutating func append(_ scalar: Unicode.Scalar) {
        scalarStarts.append(word.count)
        if scalar.isASCII {
            word.append(UInt8(truncatingIfNeeded: scalar.value))
        } else {
            UTF8.encode(scalar) { word.append($0) }
        }
    }

    mutating func endWord() {
        guard !scalarStarts.isEmpty else { return }
        word.withUnsafeBufferPointer { model.appendPieces(of: $0, scalarStarts: scalarStarts, to: &ids) }
        word.removeAll(keepingCapacity: true)
        scalarStarts.removeAll(keepingCapacity: true)
    }

    mutating func appendSingleScalarWord(_ scalar: Unicode.Scalar) {
        endWord()
        append(scalar)
        endWord()
    }

    mutating func appendSpecialToken(_ id: Int32) {
        endWord()
        ids.append(id)
    }

    /// The ids truncated to the length limit and closed with the separator.
    mutating func finish(separatorID: Int32) -> [Int32] {
        endWord()
        if ids.count > limit { ids.removeSubrange(limit...) }
        ids.append(separatorID)
        return ids
    }
}
