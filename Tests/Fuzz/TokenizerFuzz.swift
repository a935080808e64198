import Foundation

// libFuzzer target: the WordPiece tokenizer. The first byte picks what the rest is: text to
// encode, a tokenizer.json, a tokenizer_config.json or a vocab.txt. Errors are fine; a crash,
// a hang or an encoding that breaks the [CLS] ... [SEP] / maxLength contract is a bug.
// Built only by scripts/fuzz (swiftc over Sources/Tokenizers), never by SwiftPM.
let fuzzVocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s", "##ing", "un", "##aff",
                      "##able", "a", "é", "中", "##国", ",", ".", "!", "'", "the", "##e", "résumé"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let rest = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let maxLength = 2 + Int(data[0] >> 2) % 63
    switch data[0] & 3 {
    case 0:
        let normalization: BertNormalization = data[0] & 128 == 0 ? .uncased : .cased
        guard let tokenizer = try? WordPieceTokenizer(vocabulary: fuzzVocabulary,
                                                      configuration: .init(normalization: normalization)) else {
            fatalError("the fuzz vocabulary must load")
        }
        check(tokenizer, String(decoding: rest, as: UTF8.self), maxLength: maxLength)
    case 1:
        let url = URL(fileURLWithPath: FuzzFile.write(rest, suffix: "-tokenizer.json"))
        if let tokenizer = try? WordPieceTokenizer(tokenizerJSON: url) { check(tokenizer, "Hello, wörld 中国!", maxLength: maxLength) }
    case 2:
        let url = URL(fileURLWithPath: FuzzFile.write(rest, suffix: "-tokenizer_config.json"))
        if let configuration = try? WordPieceConfiguration(tokenizerConfig: url),
           let tokenizer = try? WordPieceTokenizer(vocabulary: fuzzVocabulary, configuration: configuration) {
            check(tokenizer, "Hello [MASK] résumé unaffable", maxLength: maxLength)
        }
    default:
        let url = URL(fileURLWithPath: FuzzFile.write(rest, suffix: "-vocab.txt"))
        if let tokenizer = try? WordPieceTokenizer(vocabFile: url) { check(tokenizer, "hello worlds 中国", maxLength: maxLength) }
    }
    return 0
}

private func check(_ tokenizer: WordPieceTokenizer, _ text: String, maxLength: Int) {
    let ids = tokenizer.encodeIDs(text, maxLength: maxLength)
    precondition(ids.count >= 2 && ids.count <= maxLength, "\(ids.count) ids for maxLength \(maxLength)")
    _ = tokenizer.encode(text, maxLength: maxLength)
}
