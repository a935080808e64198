/// Finds special tokens ("[CLS]", "[SEP]", …) verbatim in raw text, leftmost-longest, as HF's
/// added-vocabulary split does before normalization.
struct SpecialTokenMatcher: Sendable {
    private struct Token: Sendable {
        let bytes: [UInt8]
        let id: Int32
    }

    /// Longest first, so the first hit at a position is the longest.
    private let tokens: [Token]
    private let firstBytes: [Bool]

    init(tokens: [(text: String, id: Int32)]) {
        self.tokens = tokens
            .filter { !$0.text.isEmpty }
            .map { Token(bytes: Array($0.text.utf8), id: $0.id) }
            .sorted { $0.bytes.count > $1.bytes.count }
        var firstBytes = [Bool](repeating: false, count: 256)
        for token in self.tokens { firstBytes[Int(token.bytes[0])] = true }
        self.firstBytes = firstBytes
    }

    /// The first special token at or after `offset`: its byte range and id.
    func nextMatch(in utf8: UnsafeBufferPointer<UInt8>, from offset: Int) -> (range: Range<Int>, id: Int32)? {
        guard !tokens.isEmpty else { return nil }
        var position = offset
        while position < utf8.count {
            if firstBytes[Int(utf8[position])] {
                for token in tokens where position + token.bytes.count <= utf8.count {
                    if utf8[position..<position + token.bytes.count].elementsEqual(token.bytes) {
                        return (position..<position + token.bytes.count, token.id)
                    }
                }
            }
            position += 1
        }
        return nil
    }
}
