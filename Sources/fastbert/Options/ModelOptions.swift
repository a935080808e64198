import ArgumentParser
import FastBERT
import Foundation
import Jobs

/// The model folder.
struct ModelOptions: ParsableArguments {
    static let demoModel = "models/demo"

    @Option(help: "Model folder (config.json, model.safetensors, vocab.txt/tokenizer.json).")
    var model: String = demoModel

    /// Loads the folder into a bundle, with a hint when the default demo model was never built.
    func bundle(
        threads: ThreadsOptions, tokens: TokenLimitOptions, requiring requirement: ModelBundle.Requirement = .classifiers
    ) throws -> ModelBundle {
        do {
            return try ModelBundle.load(
                directory: model, maxLength: tokens.maxLength, threads: threads.threads, requiring: requirement)
        } catch .notFound(let directory) where directory.hasSuffix(Self.demoModel) {
            throw CommandFailure("model folder '\(directory)' not found. Run scripts/train-demo-model (or scripts/demo, "
                + "which also builds and runs the demo), or pass --model DIR.")
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

/// How many tokens of each input the model reads.
struct TokenLimitOptions: ParsableArguments {
    @Option(help: "Maximum tokens per input, [CLS] and [SEP] included (longer inputs are truncated).")
    var maxLength: Int = ModelBundle.defaultMaxLength

    func validate() throws {
        guard maxLength >= 2 else { throw ValidationError("--max-length must be at least 2") }
    }
}

/// Threads for the engine's matrix products: the one default, passed to every engine the command builds.
struct ThreadsOptions: ParsableArguments {
    @Option(help: "Threads for matrix products (with several, each runs a shard of the batch).")
    var threads: Int = 2

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }
}

/// The exit threshold of FastBERT's criterion.
struct SpeedOptions: ParsableArguments {
    @Option(help: "Exit threshold on normalized entropy: 0 = full depth (teacher only), higher = earlier exits.")
    var speed: Float = 0.1

    func validate() throws {
        guard (0...1).contains(speed) else { throw ValidationError("--speed must be in [0, 1]") }
    }
}

/// How many inputs the engine takes at once (a micro-batch limit in serve and replay).
struct BatchOptions: ParsableArguments {
    @Option(name: [.customLong("max-batch"), .customLong("batch-size")], help: "Inputs per engine batch.")
    var maxBatch: Int = 32

    func validate() throws {
        guard maxBatch > 0 else { throw ValidationError("--max-batch must be positive") }
    }
}
