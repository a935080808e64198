import ArgumentParser
import FastBERT
import Foundation
import Jobs

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Stage 1: fine-tune the backbone and the teacher classifier on labelled text (cross-entropy, AdamW).")

    @OptionGroup(title: "Model (a backbone, or a FastBERT model to train further)") var model: ModelOptions
    @OptionGroup var tokens: TokenLimitOptions
    @OptionGroup var threads: ThreadsOptions
    @Option(help: "Output model folder (checkpoints go to OUT/checkpoint).") var out: String
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var optimizer: OptimizerOptions
    @Option(help: "Dropout on hidden states and attention probabilities.") var dropout: Float = 0.1
    @Flag(help: "Train the teacher head only; the backbone stays fixed (default lr then 1e-3).") var freezeBackbone = false
    @Option(help: "Peak learning rate of the new teacher head (default 1e-3; with --freeze-backbone, --lr).")
    var headLr: Float?
    @Option(help: "Model id written to config.json.") var modelId: String?
    @Option(help: "Fraction of the rows held out (per label) to pick the best epoch and stop early; 0 = none. Written to OUT/validation.tsv.")
    var validationFraction: Double = 0.1
    @Option(help: "At most this many rows are held out for validation.") var validationLimit: Int = 2000

    func validate() throws {
        _ = try dataOptions.requiredPath()
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1)") }
        guard (0..<1).contains(validationFraction) else { throw ValidationError("--validation-fraction must be in [0, 1)") }
        if let headLr, !(headLr > 0 && headLr.isFinite) { throw ValidationError("--head-lr must be a positive number") }
        guard validationLimit >= 0 else { throw ValidationError("--validation-limit must not be negative") }
    }

    func run() throws {
        var given = optimizer.given
        if freezeBackbone { given.learningRate = given.learningRate ?? 1e-3 }
        var options = optimizer.options(defaults: TrainingSchedule.paper, dropout: dropout, tokens: tokens)
        options.headLearningRate = freezeBackbone ? nil : (headLr ?? 1e-3)
        let data = try dataOptions.read(withLabels: true, seed: options.seed)
        let result = try TrainJob.run(
            bundle: try model.bundle(threads: threads, tokens: tokens, requiring: .backbone), data: data, outDirectory: out,
            options: options, given: given, freezeBackbone: freezeBackbone,
            validationFraction: validationFraction, validationLimit: validationLimit, resume: optimizer.resume, modelId: modelId,
            tokenizerSource: model.model)
        printReport(result.report, stage: "train", out: out)
        if !result.validationAccuracy.isEmpty {
            print("train: validation accuracy per epoch "
                + result.validationAccuracy.map { String(format: "%.2f%%", $0 * 100) }.joined(separator: ", ")
                + "; kept epoch \(result.keptEpoch.map(String.init) ?? "none")"
                + (result.report.stoppedAfterEpoch.map { ", stopped after epoch \($0) (no improvement)" } ?? ""))
        }
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
