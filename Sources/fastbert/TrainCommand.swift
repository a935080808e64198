import ArgumentParser
import FastBERT
import Foundation

/// Where the text and label are in a data file, and how much of it to use.
struct DataOptions: ParsableArguments {
    @Option(help: "Data file: .tsv, .csv (quoted fields) or .jsonl.")
    var data: String

    @Option(help: "Text column: header name or 0-based index (default: sentence/text/description..., else the last column).")
    var textColumn: String?

    @Option(help: "Label column: header name or 0-based index (default: label/category..., else the first column).")
    var labelColumn: String?

    @Option(help: "First row is a header: auto, yes or no.")
    var header: DatasetReader.Header = .auto

    @Option(help: "Use a seeded random sample of this many rows.")
    var limit: Int?

    func read(withLabels: Bool, seed: UInt64) throws -> TextDataset {
        let dataset = try DatasetReader.read(
            path: data, textColumn: textColumn.map(DataColumn.init), labelColumn: labelColumn.map(DataColumn.init),
            withLabels: withLabels, header: header)
        return dataset.sample(limit, seed: seed)
    }
}

extension DatasetReader.Header: ExpressibleByArgument {}

/// Hyperparameters shared by train and distill; defaults are per command.
struct OptimizerOptions: ParsableArguments {
    @Option(help: "Passes over the data (default: train 3, distill 5).") var epochs: Int?
    @Option(help: "Peak learning rate, AdamW (default: train 2e-5, or 1e-3 with --freeze-backbone; distill 2e-4).")
    var lr: Float?
    @Option(help: "Examples per step.") var batchSize: Int = 32
    @Option(help: "Maximum tokens per text, [CLS] and [SEP] included.") var maxLength: Int = 128
    @Option(help: "Fraction of steps for linear warmup (then linear decay to 0).") var warmup: Float = 0.1
    @Option(help: "AdamW weight decay (not on biases and LayerNorm).") var weightDecay: Float = 0.01
    @Option(help: "Seed for initialisation, data order and dropout.") var seed: UInt64 = 42
    @Option(help: "Clip the global gradient norm to this (0 = off).") var maxGradNorm: Float = 1.0
    @Option(help: "Also checkpoint every N steps (always at each epoch end).") var checkpointEvery: Int?
    @Flag(help: "Continue from OUT/checkpoint if present.") var resume = false
    @Option(help: "Threads for matrix products.") var threads: Int = 2

    func options(defaultEpochs: Int, defaultRate: Float, dropout: Float) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs ?? defaultEpochs
        o.learningRate = lr ?? defaultRate
        o.batchSize = batchSize
        o.maxLength = maxLength
        o.warmup = warmup
        o.weightDecay = weightDecay
        o.dropout = dropout
        o.seed = seed
        o.maxGradientNorm = maxGradNorm
        o.checkpointEvery = checkpointEvery
        return o
    }

    func validateValues() throws {
        guard batchSize > 0, maxLength >= 2 else { throw ValidationError("--batch-size must be > 0 and --max-length >= 2") }
        guard (0...1).contains(warmup) else { throw ValidationError("--warmup is a fraction in [0, 1]") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
    }
}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Stage 1: fine-tune the backbone and the teacher classifier on labelled text (cross-entropy, AdamW).")

    @Option(help: "Input model folder (a backbone, or a FastBERT model).") var model: String
    @Option(help: "Output model folder (checkpoints go to OUT/checkpoint).") var out: String
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var optimizer: OptimizerOptions
    @Option(help: "Dropout on hidden states and attention probabilities.") var dropout: Float = 0.1
    @Flag(help: "Train the teacher head only; the backbone stays fixed (default lr then 1e-3).") var freezeBackbone = false
    @Option(help: "Peak learning rate of the new teacher head (default 1e-3; with --freeze-backbone, --lr).")
    var headLr: Float?
    @Option(help: "Model id written to config.json.") var modelId: String?

    func validate() throws {
        try optimizer.validateValues()
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1)") }
    }

    func run() throws {
        var options = optimizer.options(defaultEpochs: 3, defaultRate: freezeBackbone ? 1e-3 : 2e-5, dropout: dropout)
        options.headLearningRate = freezeBackbone ? nil : (headLr ?? 1e-3)
        let data = try dataOptions.read(withLabels: true, seed: options.seed)
        let report = try FineTuning.run(
            modelDirectory: model, data: data, outDirectory: out, options: options, freezeBackbone: freezeBackbone,
            resume: optimizer.resume, threads: max(1, optimizer.threads), modelId: modelId)
        printReport(report, stage: "train", out: out)
    }
}

func printReport(_ report: TrainingReport, stage: String, out: String) {
    let losses = report.epochLosses.map { String(format: "%.4f", $0) }.joined(separator: ", ")
    print(String(format: "%@: %d steps, %d examples, %d tokens in %.1f s (%.0f tokens/s, %.1f examples/s); "
                 + "epoch losses [%@]; last-50-step loss %.4f", stage, report.steps, report.examplesSeen,
                 report.tokensSeen, report.seconds, report.tokensPerSecond, report.examplesPerSecond, losses,
                 report.recentLoss))
    print(report.completed ? "\(stage): model written to \(out)" : "\(stage): stopped early; checkpoint in \(out)/checkpoint")
}
