/// HF's `BertNormalizer` followed by `BertPreTokenizer`, fused into one pass over the scalars:
/// clean, isolate CJK, drop marks, lowercase, then split on whitespace and around punctuation.
///
/// NFD is not done here: when accents are stripped the caller decomposes the text first
/// (see `WordPieceTokenizer.feed`), unless it is already NFD-inert.
struct BertPreTokenizer: Sendable {
    private let cleanText: Bool
    private let handleChineseChars: Bool
    private let stripAccents: Bool
    private let lowercase: Bool
    /// A copy of the global table, so the hot loop skips the lazy-global check.
    private let asciiClasses = ASCIIClass.table

    init(_ normalization: BertNormalization) {
        cleanText = normalization.cleanText
        handleChineseChars = normalization.handleChineseChars
        stripAccents = normalization.stripsAccents
        lowercase = normalization.lowercase
    }

    func isRemovedByCleaning(_ scalar: Unicode.Scalar) -> Bool {
        cleanText && BertCharacterClasses.isRemovedByCleaning(scalar.value)
    }

    /// Feeds the words of `scalars` to `session`, stopping early once it is full.
    func feed(_ scalars: some Sequence<Unicode.Scalar>, into session: inout EncodingSession) {
        for scalar in scalars {
            if session.isFull { return }
            let value = scalar.value
            guard value < 0x80 else {
                feedNonASCII(scalar, into: &session)
                continue
            }
            switch asciiClasses[Int(value)] {
            case .word:
                let isUpper = value >= 0x41 && value <= 0x5A
                session.append(lowercase && isUpper ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
            case .whitespace:
                session.endWord()
            case .punctuation:
                session.appendSingleScalarWord(scalar)
            case .control:
                if !cleanText { session.append(scalar) }
            case .controlWhitespace:
                if !cleanText { session.endWord() }
            }
        }
    }

    private func feedNonASCII(_ scalar: Unicode.Scalar, into session: inout EncodingSession) {
        let value = scalar.value
        // Removal comes first: U+0085 is both a control and whitespace, and cleaning drops it.
        if isRemovedByCleaning(scalar) { return }
        if handleChineseChars && BertCharacterClasses.isChineseChar(value) {
            session.appendSingleScalarWord(scalar)
            return
        }
        if stripAccents && BertCharacterClasses.isNonspacingMark(value) { return }
        if lowercase && scalar.properties.changesWhenLowercased {
            for lowered in scalar.properties.lowercaseMapping.unicodeScalars {
                split(lowered, into: &session)
            }
            return
        }
        split(scalar, into: &session)
    }

    private func split(_ scalar: Unicode.Scalar, into session: inout EncodingSession) {
        if BertCharacterClasses.isWhitespace(scalar.value) {
            session.endWord()
        } else if BertCharacterClasses.isPunctuation(scalar.value) {
            session.appendSingleScalarWord(scalar)
        } else {
            session.append(scalar)
        }
    }
}
