/// Settings of HF's `BertNormalizer` (BasicTokenizer in `transformers`).
public struct BertNormalization: Sendable, Equatable {
    /// Drop control characters, U+0000 and U+FFFD; turn every whitespace character into a space.
    public var cleanText: Bool
    /// Treat each CJK ideograph as a word of its own.
    public var handleChineseChars: Bool
    /// NFD-decompose and drop nonspacing marks. `nil` follows `lowercase`, as in HF.
    public var stripAccents: Bool?
    public var lowercase: Bool

    public init(cleanText: Bool = true, handleChineseChars: Bool = true, stripAccents: Bool? = nil, lowercase: Bool = true) {
        self.cleanText = cleanText
        self.handleChineseChars = handleChineseChars
        self.stripAccents = stripAccents
        self.lowercase = lowercase
    }

    public static let uncased = BertNormalization()
    public static let cased = BertNormalization(lowercase: false)

    /// No normalization at all (a tokenizer.json whose normalizer is null).
    public static let disabled = BertNormalization(cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false)

    var stripsAccents: Bool { stripAccents ?? lowercase }
}
