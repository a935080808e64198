/// Everything besides the vocabulary that decides how text becomes ids.
public struct WordPieceConfiguration: Sendable, Equatable {
    public var normalization: BertNormalization
    public var unknownToken: String
    public var classifierToken: String
    public var separatorToken: String
    public var paddingToken: String
    public var maskToken: String
    public var continuingSubwordPrefix: String
    /// Longer words (in Unicode scalars) become the unknown token without being split.
    public var maxInputCharsPerWord: Int

    public init(
        normalization: BertNormalization = .uncased,
        unknownToken: String = "[UNK]",
        classifierToken: String = "[CLS]",
        separatorToken: String = "[SEP]",
        paddingToken: String = "[PAD]",
        maskToken: String = "[MASK]",
        continuingSubwordPrefix: String = "##",
        maxInputCharsPerWord: Int = 100
    ) {
        self.normalization = normalization
        self.unknownToken = unknownToken
        self.classifierToken = classifierToken
        self.separatorToken = separatorToken
        self.paddingToken = paddingToken
        self.maskToken = maskToken
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
    }

    /// Tokens matched verbatim in raw text before normalization, as HF does with its special tokens.
    var specialTokens: [String] { [paddingToken, unknownToken, classifierToken, separatorToken, maskToken] }
}
