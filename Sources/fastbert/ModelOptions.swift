import ArgumentParser
import FastBERT

/// Options shared by every command that runs a model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model folder (config.json, model.safetensors, vocab.txt/tokenizer.json).")
    var model: String = "models/demo"

    @Option(name: .long, help: "Threads for matrix products.")
    var threads: Int = 2

    func applyThreads() { setMatrixThreads(max(1, threads)) }
}

/// Writes a value as one line of JSON to stdout.
func printJSONLine(_ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    print(String(decoding: data, as: UTF8.self))
}

import Foundation

/// Reads all of stdin as lines, dropping a trailing empty line.
func readStandardInputLines() -> [String] {
    var lines: [String] = []
    while let line = readLine(strippingNewline: true) { lines.append(line) }
    return lines
}

struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
