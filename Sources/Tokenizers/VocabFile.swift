import Foundation

extension WordPieceTokenizer {
    /// A vocab.txt: one token per line, id = line number. Normalization and token names come from
    /// `configuration` (see `WordPieceConfiguration(tokenizerConfig:)`).
    public init(vocabFile: URL, configuration: WordPieceConfiguration = .init()) throws(TokenizerError) {
        let entries = try VocabFile.entries(of: vocabFile)
        try self.init(entries: entries, configuration: configuration, file: vocabFile)
    }
}

enum VocabFile {
    /// Lines as HF's `WordPiece.read_file` reads them: split on LF, trailing whitespace trimmed,
    /// no entry for the empty tail after a final newline.
    static func entries(of url: URL) throws(TokenizerError) -> [(token: String, id: Int32)] {
        let bytes = try TokenizerFiles.bytes(of: url)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw .malformedFile(url, reason: "not valid UTF-8")
        }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { throw .malformedFile(url, reason: "no tokens") }
        guard lines.count <= Int(Int32.max) else { throw .malformedFile(url, reason: "too many tokens") }
        return lines.enumerated().map { index, line in
            var scalars = String(decoding: line, as: UTF8.self).unicodeScalars
            while let last = scalars.last, BertCharacterClasses.isWhitespace(last.value) { scalars.removeLast() }
            return (token: String(scalars), id: Int32(index))
        }
    }
}
