import Foundation
import Testing
import Tokenizers

/// Token ids identical to Hugging Face `tokenizers` with the all-MiniLM-L6-v2 vocabulary.
@Suite(.enabled(if: !ParityEnvironment.isSkipped, "FASTBERT_SKIP_PARITY=1"))
struct ReferenceParityTests {
    enum Dataset: String, CaseIterable, CustomTestStringConvertible {
        case sst2Dev = "SST-2 dev sentences"
        case agNewsTest = "AG News test descriptions"
        case chnSentiCorpDev = "ChnSentiCorp dev texts"

        var testDescription: String { rawValue }

        var expectedCount: Int {
            switch self {
            case .sst2Dev: 872
            case .agNewsTest: 7600
            case .chnSentiCorpDev: 1200
            }
        }

        func texts() throws -> [String] {
            switch self {
            case .sst2Dev: try Datasets.sst2Sentences()
            case .agNewsTest: try Datasets.agNewsDescriptions()
            case .chnSentiCorpDev: try Datasets.chnSentiCorpTexts()
            }
        }
    }

    @Test(arguments: Dataset.allCases)
    func matchesHuggingFace(_ dataset: Dataset) throws {
        let modelDirectory = try ParityEnvironment.requireModelFiles()
        let tokenizerJSON = modelDirectory.appendingPathComponent("tokenizer.json")
        let texts = try dataset.texts()
        #expect(texts.count == dataset.expectedCount)

        let tokenizer = try WordPieceTokenizer(tokenizerJSON: tokenizerJSON)
        let clock = ContinuousClock()
        var ids: [[Int32]] = []
        let elapsed = clock.measure { ids = texts.map { tokenizer.encodeIDs($0, maxLength: 512) } }
        print("\(dataset.rawValue): \(texts.count) texts tokenized in \(elapsed.formatted(.units(allowed: [.milliseconds])))")

        let expected = try ReferenceTokenizer.encode(texts, tokenizerJSON: tokenizerJSON)
        Self.expectSameIDs(ids, expected, texts: texts, what: "HF tokenizers")
        Self.expectSameIDs(texts.map { tokenizer.encode($0, maxLength: 512).ids }, expected, texts: texts, what: "encode's ids")

        let configuration = try WordPieceConfiguration(tokenizerConfig: modelDirectory.appendingPathComponent("tokenizer_config.json"))
        #expect(configuration.normalization.lowercase)
        let fromVocabFile = try WordPieceTokenizer(vocabFile: modelDirectory.appendingPathComponent("vocab.txt"), configuration: configuration)
        Self.expectSameIDs(texts.map { fromVocabFile.encodeIDs($0, maxLength: 512) }, expected, texts: texts, what: "vocab.txt loading")
    }

    /// Every assigned codepoint, inside a word and on its own, uncased and cased: catches any character
    /// HF classifies (control, whitespace, punctuation, CJK, mark, case) differently from us.
    /// Planes 4–13 (unassigned) and 15–16 (private use) are only sampled.
    @Test(arguments: [false, true])
    func everyCodepointMatchesHuggingFace(cased: Bool) throws {
        let modelDirectory = try ParityEnvironment.requireModelFiles()
        let tokenizerJSON = modelDirectory.appendingPathComponent("tokenizer.json")
        let codepoints = Array(0..<0x40000) + Array(stride(from: 0x40000, to: 0xE0000, by: 251))
            + Array(0xE0000..<0xF0000) + Array(stride(from: 0xF0000, to: 0x110000, by: 251)) + [0xFFFFD, 0x10FFFD, 0x10FFFF]
        let scalars = codepoints.compactMap { Unicode.Scalar(UInt32($0)) }
        let texts = stride(from: 0, to: scalars.count, by: 64).map { start in
            scalars[start..<min(start + 64, scalars.count)].map { "a\($0)a \($0)" }.joined(separator: " ")
        }
        let tokenizer = cased
            ? try WordPieceTokenizer(
                vocabFile: modelDirectory.appendingPathComponent("vocab.txt"),
                configuration: WordPieceConfiguration(normalization: .cased))
            : try WordPieceTokenizer(tokenizerJSON: tokenizerJSON)
        let expected = try ReferenceTokenizer.encode(texts, tokenizerJSON: tokenizerJSON, cased: cased)
        Self.expectSameIDs(texts.map { tokenizer.encodeIDs($0, maxLength: 512) }, expected, texts: texts, what: "HF tokenizers")
    }

    private static func expectSameIDs(_ actual: [[Int32]], _ expected: [[Int32]], texts: [String], what: String) {
        let mismatches = texts.indices.filter { actual[$0] != expected[$0] }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(texts.count) texts differ from \(what)")
        for index in mismatches.prefix(10) {
            Issue.record("""
                text \(index): \(texts[index].debugDescription)
                expected \(expected[index])
                actual   \(actual[index])
                """)
        }
    }
}
