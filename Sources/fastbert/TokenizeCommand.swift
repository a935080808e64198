import ArgumentParser
import Foundation
import Tokenizers

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize", abstract: "Tokenize texts (arguments or stdin lines) with a model's WordPiece vocabulary.")

    @Option(help: "Model folder with vocab.txt or tokenizer.json.")
    var model: String = "models/all-MiniLM-L6-v2"

    @Option(name: .long, help: "Maximum tokens, [CLS] and [SEP] included.")
    var maxLength: Int = 512

    @Argument(help: "Texts; read from stdin (one per line) when none are given.")
    var texts: [String] = []

    func run() throws {
        let tokenizer = try WordPieceTokenizer.load(modelDirectory: URL(fileURLWithPath: model))
        for (index, text) in (texts.isEmpty ? readStandardInputLines() : texts).enumerated() {
            let encoding = tokenizer.encode(text, maxLength: maxLength)
            try printJSONLine(["index": index, "ids": encoding.ids.map(Int.init), "tokens": encoding.tokens] as [String: Any])
        }
    }
}
