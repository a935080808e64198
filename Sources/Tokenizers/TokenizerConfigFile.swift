import Foundation

extension WordPieceConfiguration {
    /// Settings from a `transformers` tokenizer_config.json, for use with a vocab.txt:
    /// do_lower_case, strip_accents, tokenize_chinese_chars, clean_text and the special token names.
    public init(tokenizerConfig url: URL) throws(TokenizerError) {
        let json = try TokenizerFiles.json(at: url)
        guard json.members != nil else { throw .malformedFile(url, reason: "top level is not an object") }
        func bool(_ field: String) throws(TokenizerError) -> Bool? {
            try TokenizerFiles.bool(json[field], field: field, in: url)
        }
        func token(_ field: String, default fallback: String) throws(TokenizerError) -> String {
            try TokenizerFiles.tokenText(json[field], field: field, in: url) ?? fallback
        }
        if try bool("do_basic_tokenize") == false { throw .unsupported(url, feature: "do_basic_tokenize false") }
        self.init(
            normalization: BertNormalization(
                cleanText: try bool("clean_text") ?? true,
                handleChineseChars: try bool("tokenize_chinese_chars") ?? true,
                stripAccents: try bool("strip_accents"),
                lowercase: try bool("do_lower_case") ?? true
            ),
            unknownToken: try token("unk_token", default: "[UNK]"),
            classifierToken: try token("cls_token", default: "[CLS]"),
            separatorToken: try token("sep_token", default: "[SEP]"),
            paddingToken: try token("pad_token", default: "[PAD]"),
            maskToken: try token("mask_token", default: "[MASK]")
        )
    }
}
