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

/// Hyperparameters shared by train and distill; defaults are per command (train takes the ones
/// not given from `TrainingSchedule`).
struct OptimizerOptions: ParsableArguments {
    @Option(help: "Passes over the data (default: train chooses 3-20 from examples per label, distill at most 10).") var epochs: Int?
    @Option(help: "Peak learning rate, AdamW (default: train 2e-5, up to 5e-5 with few examples per label, 1e-3 with --freeze-backbone; distill 1e-3, the teacher head's rate).")
    var lr: Float?
    @Option(help: "Examples per step (default 32; train: 16 below 500 examples per label).") var batchSize: Int?
    @Option(help: "Fraction of steps for linear warmup, then linear decay to 0 (default 0.1; train: 0.3 epochs when it runs more than 3).")
    var warmup: Float?
    @Option(help: "AdamW weight decay (not on biases and LayerNorm).") var weightDecay: Float = 0.01
    @Option(help: "Seed for initialisation, data order and dropout.") var seed: UInt64 = 42
    @Option(help: "Clip the global gradient norm to this (0 = off).") var maxGradNorm: Float = 1.0
    @Option(help: "Also checkpoint every N steps (always at each epoch end).") var checkpointEvery: Int?
    @Flag(help: "Continue from OUT/checkpoint if present.") var resume = false

    /// The stage's options, with `defaults` for what is not given; the token limit is recorded
    /// so that a resume checks it.
    func options(defaults: TrainingSchedule.Settings, dropout: Float, tokens: TokenLimitOptions) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs ?? defaults.epochs
        o.learningRate = lr ?? defaults.learningRate
        o.batchSize = batchSize ?? defaults.batchSize
        o.maxLength = tokens.maxLength
        o.warmup = warmup ?? defaults.warmup
        o.weightDecay = weightDecay
        o.dropout = dropout
        o.seed = seed
        o.maxGradientNorm = maxGradNorm
        o.checkpointEvery = checkpointEvery
        return o
    }

    /// What the user set, for `TrainJob` to fill the rest from the data.
    var given: TrainingSchedule.Given { .init(epochs: epochs, learningRate: lr, batchSize: batchSize, warmup: warmup) }

    func validate() throws {
        if let batchSize, batchSize <= 0 { throw ValidationError("--batch-size must be positive") }
        if let warmup, !(0...1).contains(warmup) { throw ValidationError("--warmup is a fraction in [0, 1]") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number") }
    }
}
