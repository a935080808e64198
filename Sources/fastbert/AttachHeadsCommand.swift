import ArgumentParser
import FastBERT

/// Puts a shipped heads file (see `fastbert distill --heads-out`) back on its backbone.
struct AttachHeadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach-heads",
        abstract: "Write a full model folder from a backbone folder and a FastBERT heads file.")

    @Option(help: "Backbone model folder (config.json, model.safetensors, tokenizer files).")
    var backbone: String = "models/all-MiniLM-L6-v2"

    @Option(help: "Heads file written by `fastbert distill --heads-out`.")
    var heads: String

    @Option(help: "Output model folder.")
    var out: String

    func run() throws {
        let model = try ModelHeads.load(backboneDirectory: backbone, headsFile: heads)
        try ModelDirectory.save(model, to: out, tokenizerSource: backbone)
        print("wrote \(out): \(model.headStatus)")
    }
}
