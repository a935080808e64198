import Foundation

extension WordPieceTokenizer {
    /// A `tokenizers` tokenizer.json with a WordPiece model, BertNormalizer (or none) and
    /// BertPreTokenizer. Its truncation and padding sections are ignored: `encode` takes the length.
    public init(tokenizerJSON url: URL) throws(TokenizerError) {
        let file = try TokenizerJSONFile(url: url)
        try self.init(
            vocabulary: Vocabulary(entries: file.entries),
            specialTokens: file.addedTokens,
            configuration: file.configuration,
            file: url
        )
    }
}

struct TokenizerJSONFile {
    var entries: [(token: String, id: Int32)] = []
    /// Matched verbatim in raw text. HF would match `normalized: true` tokens after normalization
    /// instead; BERT's added tokens are all special and unnormalized.
    var addedTokens: [(text: String, id: Int32)] = []
    var configuration = WordPieceConfiguration()
    private let url: URL

    init(url: URL) throws(TokenizerError) {
        self.url = url
        let json = try TokenizerFiles.json(at: url)
        guard json.members != nil else { throw .malformedFile(url, reason: "top level is not an object") }
        try readModel(json["model"])
        try readNormalizer(json["normalizer"])
        guard json["pre_tokenizer"]?["type"]?.string == "BertPreTokenizer" else {
            throw .unsupported(url, feature: "pre_tokenizer other than BertPreTokenizer")
        }
        try readAddedTokens(json["added_tokens"])
        try readPostProcessor(json["post_processor"])
        if let padToken = try TokenizerFiles.tokenText(json["padding"]?["pad_token"], field: "padding.pad_token", in: url) {
            configuration.paddingToken = padToken
        }
    }

    private mutating func readModel(_ model: JSONValue?) throws(TokenizerError) {
        guard let model, let vocab = model["vocab"]?.members else { throw .malformedFile(url, reason: "model.vocab missing") }
        if let type = model["type"]?.string, type != "WordPiece" { throw .unsupported(url, feature: "model type \(type)") }
        entries.reserveCapacity(vocab.count)
        for member in vocab {
            guard let id = member.value.int, (0...Int(Int32.max)).contains(id) else {
                throw .malformedFile(url, reason: "model.vocab id of \(member.key) is not a valid id")
            }
            entries.append((token: member.key, id: Int32(id)))
        }
        if let unk = try TokenizerFiles.tokenText(model["unk_token"], field: "model.unk_token", in: url) {
            configuration.unknownToken = unk
        }
        if let prefix = model["continuing_subword_prefix"]?.string { configuration.continuingSubwordPrefix = prefix }
        if let maxChars = model["max_input_chars_per_word"]?.int { configuration.maxInputCharsPerWord = maxChars }
    }

    private mutating func readNormalizer(_ normalizer: JSONValue?) throws(TokenizerError) {
        guard let normalizer, !normalizer.isNull else {
            configuration.normalization = .disabled
            return
        }
        guard normalizer["type"]?.string == "BertNormalizer" else {
            throw .unsupported(url, feature: "normalizer other than BertNormalizer")
        }
        func bool(_ field: String) throws(TokenizerError) -> Bool? {
            try TokenizerFiles.bool(normalizer[field], field: "normalizer.\(field)", in: url)
        }
        configuration.normalization = BertNormalization(
            cleanText: try bool("clean_text") ?? true,
            handleChineseChars: try bool("handle_chinese_chars") ?? true,
            stripAccents: try bool("strip_accents"),
            lowercase: try bool("lowercase") ?? true
        )
    }

    private mutating func readAddedTokens(_ tokens: JSONValue?) throws(TokenizerError) {
        guard let tokens, !tokens.isNull else { return }
        guard let elements = tokens.elements else { throw .malformedFile(url, reason: "added_tokens is not an array") }
        for token in elements {
            guard let text = token["content"]?.string, let id = token["id"]?.int, (0...Int(Int32.max)).contains(id) else {
                throw .malformedFile(url, reason: "added_tokens entry without content and id")
            }
            addedTokens.append((text: text, id: Int32(id)))
        }
    }

    /// Takes the [CLS]/[SEP] names from the post-processor; only the `CLS A SEP` shape is supported.
    private mutating func readPostProcessor(_ processor: JSONValue?) throws(TokenizerError) {
        guard let processor, !processor.isNull else { return }
        switch processor["type"]?.string {
        case "BertProcessing":
            guard let cls = processor["cls"]?.elements?.first?.string, let sep = processor["sep"]?.elements?.first?.string else {
                throw .malformedFile(url, reason: "post_processor without cls and sep")
            }
            configuration.classifierToken = cls
            configuration.separatorToken = sep
        case "TemplateProcessing":
            let single = processor["single"]?.elements ?? []
            guard single.count == 3,
                  let cls = single[0]["SpecialToken"]?["id"]?.string,
                  single[1]["Sequence"]?["id"]?.string == "A",
                  let sep = single[2]["SpecialToken"]?["id"]?.string
            else { throw .unsupported(url, feature: "post_processor template other than [CLS] $A [SEP]") }
            configuration.classifierToken = cls
            configuration.separatorToken = sep
        default:
            throw .unsupported(url, feature: "post_processor other than BertProcessing or TemplateProcessing")
        }
    }
}
