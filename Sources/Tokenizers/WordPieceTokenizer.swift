import Foundation

/// BERT WordPiece tokenizer giving the same ids as Hugging Face's `BertTokenizer` /
/// `tokenizers` (BertNormalizer + BertPreTokenizer + WordPiece + [CLS]/[SEP] template).
public struct WordPieceTokenizer: Sendable {
    public let configuration: WordPieceConfiguration
    public let clsId: Int32
    public let sepId: Int32
    public let padId: Int32
    public let unkId: Int32
    /// One past the highest id, added tokens included: the embedding table's row count.
    public let vocabularySize: Int

    private let vocabulary: Vocabulary
    /// Tokens outside the WordPiece vocabulary (tokenizer.json added tokens), by id.
    private let addedTokens: [Int32: String]
    private let model: WordPieceModel
    private let preTokenizer: BertPreTokenizer
    private let specialTokens: SpecialTokenMatcher

    /// - Parameters:
    ///   - specialTokens: tokens split out of raw text before normalization, with their ids.
    ///   - file: named in errors.
    init(
        vocabulary: Vocabulary,
        specialTokens: [(text: String, id: Int32)],
        configuration: WordPieceConfiguration,
        file: URL?
    ) throws(TokenizerError) {
        var addedTokens: [Int32: String] = [:]
        for token in specialTokens where vocabulary.token(for: token.id) == nil {
            addedTokens[token.id] = token.text
        }
        func id(of token: String) throws(TokenizerError) -> Int32 {
            if let special = specialTokens.last(where: { $0.text.utf8.elementsEqual(token.utf8) }) { return special.id }
            guard let id = vocabulary.id(of: token) else { throw .missingToken(token, file: file) }
            return id
        }
        self.configuration = configuration
        self.vocabulary = vocabulary
        self.addedTokens = addedTokens
        clsId = try id(of: configuration.classifierToken)
        sepId = try id(of: configuration.separatorToken)
        padId = try id(of: configuration.paddingToken)
        guard let unkId = vocabulary.id(of: configuration.unknownToken) else {
            throw .missingToken(configuration.unknownToken, file: file)
        }
        self.unkId = unkId
        vocabularySize = max(vocabulary.count, Int(addedTokens.keys.max() ?? -1) + 1)
        model = WordPieceModel(
            vocabulary: vocabulary,
            continuingSubwordPrefix: Array(configuration.continuingSubwordPrefix.utf8),
            unknownID: unkId,
            maxInputCharsPerWord: configuration.maxInputCharsPerWord
        )
        preTokenizer = BertPreTokenizer(configuration.normalization)
        self.specialTokens = SpecialTokenMatcher(tokens: specialTokens)
        if configuration.normalization.stripsAccents { NFDInertScalars.prepare() }
    }

    /// In-memory vocabulary: id = index.
    public init(vocabulary tokens: [String], configuration: WordPieceConfiguration = .init()) throws(TokenizerError) {
        let entries = tokens.enumerated().map { (token: $0.element, id: Int32($0.offset)) }
        try self.init(entries: entries, configuration: configuration, file: nil)
    }

    /// A vocabulary whose special tokens are the configuration's, where present.
    init(entries: [(token: String, id: Int32)], configuration: WordPieceConfiguration, file: URL?) throws(TokenizerError) {
        let vocabulary = Vocabulary(entries: entries)
        let specialTokens = configuration.specialTokens.compactMap { text in
            vocabulary.id(of: text).map { (text: text, id: $0) }
        }
        try self.init(vocabulary: vocabulary, specialTokens: specialTokens, configuration: configuration, file: file)
    }

    /// The ids of `[CLS] pieces… [SEP]`, truncated so there are at most `maxLength`.
    public func encodeIDs(_ text: String, maxLength: Int) -> [Int32] {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        var session = EncodingSession(model: model, classifierID: clsId, maxLength: maxLength)
        var text = text
        text.withUTF8 { utf8 in
            var offset = 0
            while offset < utf8.count, !session.isFull {
                let match = specialTokens.nextMatch(in: utf8, from: offset)
                let end = match?.range.lowerBound ?? utf8.count
                if end > offset {
                    feed(UTF8Scalars(bytes: UnsafeBufferPointer(rebasing: utf8[offset..<end])), into: &session)
                }
                guard let match else { break }
                session.appendSpecialToken(match.id)
                offset = match.range.upperBound
            }
        }
        return session.finish(separatorID: sepId)
    }

    /// `encodeIDs` with each id's token string, for showing a tokenization.
    public func encode(_ text: String, maxLength: Int) -> Encoding {
        let ids = encodeIDs(text, maxLength: maxLength)
        return Encoding(ids: ids, tokens: ids.map { token(for: $0) ?? "" })
    }

    public func token(for id: Int32) -> String? {
        vocabulary.token(for: id) ?? addedTokens[id]
    }

    public func id(for token: String) -> Int32? {
        vocabulary.id(of: token) ?? addedTokens.first { $0.value.utf8.elementsEqual(token.utf8) }?.key
    }

    private func feed(_ segment: UTF8Scalars, into session: inout EncodingSession) {
        guard configuration.normalization.stripsAccents, !segment.allSatisfy(NFDInertScalars.contains) else {
            preTokenizer.feed(segment, into: &session)
            return
        }
        // Cleaning must precede NFD: a removed control character between marks blocks their reordering.
        var cleaned = String.UnicodeScalarView()
        for scalar in segment where !preTokenizer.isRemovedByCleaning(scalar) { cleaned.append(scalar) }
        preTokenizer.feed(String(cleaned).decomposedStringWithCanonicalMapping.unicodeScalars, into: &session)
    }
}
