import Tokenizers

/// A handwritten vocabulary small enough to reason about every id.
enum TinyVocabulary {
    static let tokens = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
        "hello", "world", "un", "##aff", "##able", "cafe", "a", "##a",
        ",", "!", "—", "¿", "你", "好", "Hello", "Café", "é", "e\u{301}", "naive", "##s",
    ]

    static func id(_ token: String) -> Int32 {
        Int32(tokens.firstIndex { $0.unicodeScalars.elementsEqual(token.unicodeScalars) }!)
    }

    static func tokenizer(_ normalization: BertNormalization = .uncased, maxInputCharsPerWord: Int = 100) throws -> WordPieceTokenizer {
        try WordPieceTokenizer(
            vocabulary: tokens,
            configuration: WordPieceConfiguration(normalization: normalization, maxInputCharsPerWord: maxInputCharsPerWord)
        )
    }
}
