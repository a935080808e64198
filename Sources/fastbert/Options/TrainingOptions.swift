import ArgumentParser
import FastBERT
import Foundation
import Jobs

/// Where the text and label are in a data file, and how much of it to use.
struct DataOptions: ParsableArguments {
    @Option(help: "Data file: .tsv, .csv (quoted fields) or .jsonl (required, except by distill --from-topic).")
    var data: String?

    @Option(help: "Text column: header name or 0-based index (default: sentence/text/description..., else the last column).")
    var textColumn: String?

    @Option(help: "Label column: header name or 0-based index (default: label/category..., else the first column).")
    var labelColumn: String?

    @Option(help: "First row is a header: auto, yes or no.")
    var header: DatasetReader.Header = .auto

    @Option(help: "Use a seeded random sample of this many rows.")
    var limit: Int?

    /// The data file, for the commands that cannot run without one.
    func requiredPath() throws -> String {
        guard let data else { throw ValidationError("--data is required") }
        return data
    }

    func read(withLabels: Bool, seed: UInt64) throws -> TextDataset {
        let dataset = try DatasetReader.read(
            path: try requiredPath(), textColumn: textColumn.map(DataColumn.init), labelColumn: labelColumn.map(DataColumn.init),
            withLabels: withLabels, header: header)
        return dataset.sample(limit, seed: seed)
    }
}

extension DatasetReader.Header: ExpressibleByArgument {}

/// Hyperparameters shared by train and distill; defaults are per command.
struct OptimizerOptions: ParsableArguments {
    @Option(help: "Passes over the data (default: train chooses 3-20 from examples per label, distill at most 10).") var epochs: Int?
    @Option(help: "Peak learning rate, AdamW (default: train 2e-5, or 1e-3 with --freeze-backbone; distill 2e-4).")
    var lr: Float?
    @Option(help: "Examples per step.") var batchSize: Int = 32
    @Option(help: "Fraction of steps for linear warmup (then linear decay to 0).") var warmup: Float = 0.1
    @Option(help: "AdamW weight decay (not on biases and LayerNorm).") var weightDecay: Float = 0.01
    @Option(help: "Seed for initialisation, data order and dropout.") var seed: UInt64 = 42
    @Option(help: "Clip the global gradient norm to this (0 = off).") var maxGradNorm: Float = 1.0
    @Option(help: "Also checkpoint every N steps (always at each epoch end).") var checkpointEvery: Int?
    @Flag(help: "Continue from OUT/checkpoint if present.") var resume = false

    /// The stage's options; the token limit is recorded so that a resume checks it.
    func options(defaultEpochs: Int, defaultRate: Float, dropout: Float, tokens: TokenLimitOptions) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs ?? defaultEpochs
        o.learningRate = lr ?? defaultRate
        o.batchSize = batchSize
        o.maxLength = tokens.maxLength
        o.warmup = warmup
        o.weightDecay = weightDecay
        o.dropout = dropout
        o.seed = seed
        o.maxGradientNorm = maxGradNorm
        o.checkpointEvery = checkpointEvery
        return o
    }

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard (0...1).contains(warmup) else { throw ValidationError("--warmup is a fraction in [0, 1]") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
    }
}

