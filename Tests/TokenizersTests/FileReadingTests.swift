import Foundation
import Testing
import Tokenizers

/// Tokenizer files are read with open/read (Data(contentsOf:) leaked on empty files: the fuzz
/// input Tests/Fuzz/corpus/tokenizer/leak-empty-vocab). The whole file arrives, however large.
@Suite struct FileReadingTests {
    @Test func emptyVocabFileIsRefusedAsMalformed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let empty = try directory.write("", to: "vocab.txt")
        #expect(throws: TokenizerError.malformedFile(empty, reason: "no tokens")) { try WordPieceTokenizer(vocabFile: empty) }
    }

    /// Longer than one 64 KiB read, so the file arrives in several chunks.
    @Test func vocabFileLargerThanOneReadLoadsEveryToken() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let extra = (0..<20_000).map { "token\($0)" }
        let file = try directory.write((TinyVocabulary.tokens + extra).joined(separator: "\n"), to: "vocab.txt")
        let tokenizer = try WordPieceTokenizer(vocabFile: file)
        #expect(tokenizer.vocabularySize == TinyVocabulary.tokens.count + extra.count)
        #expect(tokenizer.token(for: Int32(tokenizer.vocabularySize - 1)) == "token19999")
    }

    @Test func directoryInPlaceOfAFileIsUnreadable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let folder = directory.url.appendingPathComponent("vocab.txt")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let error = #expect(throws: TokenizerError.self) { try WordPieceTokenizer(vocabFile: folder) }
        guard case .unreadableFile(let named, let reason) = error else {
            Issue.record("expected unreadableFile, got \(String(describing: error))")
            return
        }
        #expect(named == folder)
        #expect(reason.contains("directory"))
    }
}
