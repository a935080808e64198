import ArgumentParser

/// Options shared by every command that runs a model.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model folder (config.json, model.safetensors, vocab.txt/tokenizer.json).")
    var model: String = "models/demo"

    @Option(name: .long, help: "Threads for inference (each runs a shard of the batch).")
    var threads: Int = 2
}
