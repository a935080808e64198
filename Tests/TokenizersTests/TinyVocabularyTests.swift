import Testing
import Tokenizers

@Suite struct TinyVocabularyTests {
    private func tokens(_ text: String, _ normalization: BertNormalization = .uncased, maxLength: Int = 512) throws -> [String] {
        try TinyVocabulary.tokenizer(normalization).encode(text, maxLength: maxLength).tokens
    }

    @Test func emptyTextIsClassifierAndSeparator() throws {
        let encoding = try TinyVocabulary.tokenizer().encode("", maxLength: 16)
        #expect(encoding.ids == [2, 3])
        #expect(encoding.tokens == ["[CLS]", "[SEP]"])
        #expect(encoding.attentionLength == 2)
        #expect(try self.tokens(" \t\n\u{3000} ") == ["[CLS]", "[SEP]"])
    }

    @Test func specialIdsAndLookups() throws {
        let tokenizer = try TinyVocabulary.tokenizer()
        #expect([tokenizer.padId, tokenizer.unkId, tokenizer.clsId, tokenizer.sepId] == [0, 1, 2, 3])
        #expect(tokenizer.vocabularySize == TinyVocabulary.tokens.count)
        #expect(tokenizer.token(for: 8) == "##aff")
        #expect(tokenizer.token(for: 999) == nil)
        #expect(tokenizer.id(for: "hello") == 5)
    }

    @Test func lowercasesAndStripsAccents() throws {
        #expect(try tokens("HÉLLO Wörld") == ["[CLS]", "hello", "world", "[SEP]"])
        #expect(try tokens("Cafe\u{301} naïve") == ["[CLS]", "cafe", "naive", "[SEP]"])
    }

    @Test func continuationPieces() throws {
        #expect(try tokens("unaffable hellos") == ["[CLS]", "un", "##aff", "##able", "hello", "##s", "[SEP]"])
    }

    @Test func wordWithAnUnmatchedPartIsOneUnknown() throws {
        #expect(try tokens("unaffablex hello") == ["[CLS]", "[UNK]", "hello", "[SEP]"])
    }

    @Test func punctuationIsSplitOff() throws {
        #expect(try tokens("hello,world!!") == ["[CLS]", "hello", ",", "world", "!", "!", "[SEP]"])
        #expect(try tokens("¿hello—world") == ["[CLS]", "¿", "hello", "—", "world", "[SEP]"])
    }

    @Test func chineseCharactersAreWords() throws {
        #expect(try tokens("你好world你") == ["[CLS]", "你", "好", "world", "你", "[SEP]"])
    }

    @Test func wordsOverTheCharacterLimitAreUnknown() throws {
        let hundred = String(repeating: "a", count: 100)
        #expect(try tokens(hundred) == ["[CLS]", "a"] + Array(repeating: "##a", count: 99) + ["[SEP]"])
        #expect(try tokens(hundred + "a") == ["[CLS]", "[UNK]", "[SEP]"])
        let strict = try TinyVocabulary.tokenizer(maxInputCharsPerWord: 3)
        #expect(strict.encode("aaaa aaa", maxLength: 16).tokens == ["[CLS]", "[UNK]", "a", "##a", "##a", "[SEP]"])
    }

    @Test func truncationCountsTheSpecialTokens() throws {
        #expect(try tokens("hello world hello", maxLength: 4) == ["[CLS]", "hello", "world", "[SEP]"])
        #expect(try tokens("unaffable", maxLength: 4) == ["[CLS]", "un", "##aff", "[SEP]"])
        #expect(try tokens("hello", maxLength: 2) == ["[CLS]", "[SEP]"])
    }

    @Test func casedKeepsCaseAndAccents() throws {
        #expect(try tokens("Hello hello Café", .cased) == ["[CLS]", "Hello", "hello", "Café", "[SEP]"])
        #expect(try tokens("HELLO", .cased) == ["[CLS]", "[UNK]", "[SEP]"])
    }

    @Test func canonicallyEquivalentTokensStayDistinct() throws {
        #expect(try TinyVocabulary.tokenizer(.cased).encode("é e\u{301}", maxLength: 8).ids
            == [2, TinyVocabulary.id("é"), TinyVocabulary.id("e\u{301}"), 3])
    }

    @Test func controlCharactersAreRemovedAndWhitespaceSplits() throws {
        #expect(try tokens("hel\u{0}lo\u{7}\u{FFFD} wor\u{200B}ld") == ["[CLS]", "hello", "world", "[SEP]"])
        #expect(try tokens("hello\tworld\r\nhello\u{85}world") == ["[CLS]", "hello", "world", "[UNK]", "[SEP]"])
        let raw = BertNormalization(cleanText: false)
        #expect(try tokens("hel\u{7}lo\u{0B}world", raw) == ["[CLS]", "[UNK]", "world", "[SEP]"])
    }

    @Test func specialTokensInTextAreKept() throws {
        #expect(try tokens("hello[SEP]world [MASK]") == ["[CLS]", "hello", "[SEP]", "world", "[MASK]", "[SEP]"])
        #expect(try tokens("[sep]") == ["[CLS]", "[UNK]", "[UNK]", "[UNK]", "[SEP]"])
    }
}
