/// The result of tokenizing one text: `[CLS] pieces… [SEP]`, never longer than the requested maximum.
public struct Encoding: Sendable, Equatable {
    public var ids: [Int32]
    public var tokens: [String]

    public init(ids: [Int32], tokens: [String]) {
        self.ids = ids
        self.tokens = tokens
    }

    /// Number of positions the attention mask must cover (everything past it is padding).
    public var attentionLength: Int { ids.count }
}
