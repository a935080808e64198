import Foundation
import Testing
import Tokenizers

@Suite struct LoadingTests {
    private let vocabText = TinyVocabulary.tokens.joined(separator: "\n") + "\n"

    @Test func vocabFileWithTokenizerConfigDoLowerCaseFalse() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(vocabText, to: "vocab.txt")
        try directory.write(#"{"do_lower_case": false, "unk_token": {"content": "[UNK]"}}"#, to: "tokenizer_config.json")
        let tokenizer = try WordPieceTokenizer.load(modelDirectory: directory.url)
        #expect(tokenizer.configuration.normalization == .cased)
        #expect(tokenizer.encode("Hello hello", maxLength: 8).tokens == ["[CLS]", "Hello", "hello", "[SEP]"])
        #expect(tokenizer.vocabularySize == TinyVocabulary.tokens.count)
    }

    @Test func vocabFileAloneIsUncased() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(vocabText.replacingOccurrences(of: "\n", with: "\r\n"), to: "vocab.txt")
        let tokenizer = try WordPieceTokenizer.load(modelDirectory: directory.url)
        #expect(tokenizer.encode("Hello", maxLength: 8).tokens == ["[CLS]", "hello", "[SEP]"])
    }

    @Test func tokenizerJSONSettings() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let vocab = TinyVocabulary.tokens.enumerated()
            .map { "\"\($0.element.unicodeScalars.map { String(format: "\\u%04x", $0.value) }.joined())\": \($0.offset)" }
            .joined(separator: ", ")
        let file = try directory.write("""
            {"added_tokens": [{"id": 2, "content": "[CLS]", "special": true}, {"id": 3, "content": "[SEP]", "special": true},
                              {"id": 30, "content": "<extra>", "special": true}],
             "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                            "strip_accents": null, "lowercase": false},
             "pre_tokenizer": {"type": "BertPreTokenizer"},
             "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                       "max_input_chars_per_word": 4, "vocab": {\(vocab)}}}
            """, to: "tokenizer.json")
        let tokenizer = try WordPieceTokenizer(tokenizerJSON: file)
        #expect(tokenizer.configuration.normalization == .cased)
        #expect(tokenizer.configuration.maxInputCharsPerWord == 4)
        #expect(tokenizer.vocabularySize == 31)
        #expect(tokenizer.token(for: 30) == "<extra>")
        #expect(tokenizer.encode("Café<extra>hello é", maxLength: 16).tokens == ["[CLS]", "Café", "<extra>", "[UNK]", "é", "[SEP]"])
    }

    @Test func missingFileIsNamed() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/vocab.txt")
        #expect(throws: TokenizerError.fileNotFound(missing)) { try WordPieceTokenizer(vocabFile: missing) }
        #expect(TokenizerError.fileNotFound(missing).description.contains("/nonexistent/vocab.txt"))
    }

    @Test func emptyDirectoryHasNoTokenizerFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: TokenizerError.noTokenizerFiles(directory: directory.url)) {
            try WordPieceTokenizer.load(modelDirectory: directory.url)
        }
    }

    @Test func malformedFilesAreNamed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let json = try directory.write(#"{"model": {"vocab": {"a": 0,}}"#, to: "tokenizer.json")
        let config = try directory.write(#"{"do_lower_case": "yes"}"#, to: "tokenizer_config.json")
        let empty = try directory.write("", to: "vocab.txt")
        for (file, load) in [
            (json, { _ = try WordPieceTokenizer(tokenizerJSON: json) }),
            (config, { _ = try WordPieceConfiguration(tokenizerConfig: config) }),
            (empty, { _ = try WordPieceTokenizer(vocabFile: empty) }),
        ] as [(URL, () throws -> Void)] {
            let error = #expect(throws: TokenizerError.self) { try load() }
            guard case .malformedFile(let named, _) = error else {
                Issue.record("expected malformedFile for \(file.lastPathComponent), got \(String(describing: error))")
                continue
            }
            #expect(named == file)
        }
    }

    @Test func vocabularyWithoutUnknownTokenIsRejected() throws {
        #expect(throws: TokenizerError.missingToken("[UNK]", file: nil)) {
            try WordPieceTokenizer(vocabulary: ["[PAD]", "[CLS]", "[SEP]", "hello"])
        }
    }
}
