import ArgumentParser
import FastBERT
import Foundation
import Jobs

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify texts (arguments, or lines from stdin); one JSON object per input.")

    @OptionGroup var model: ModelOptions
    @OptionGroup var tokens: TokenLimitOptions
    @OptionGroup var threads: ThreadsOptions
    @OptionGroup var speed: SpeedOptions
    @OptionGroup var batch: BatchOptions

    @Argument(help: "Texts to classify; read from stdin (one per line) when none are given.")
    var texts: [String] = []

    func run() throws {
        let classifier = try TextClassifier(bundle: try model.bundle(threads: threads, tokens: tokens))
        let setting = try speed.setting(for: classifier.bundle, folder: model.model)
        let engineModel = classifier.bundle.model
        if setting.policy.exitsEarly(numLayers: engineModel.config.numLayers) && !engineModel.config.fastbert.studentsDistilled {
            printStatus("warning: \(engineModel.headStatus); use --speed 0 or run `fastbert distill`")
        }
        let inputs = texts.isEmpty ? readStandardInputLines() : texts
        let labels = classifier.labels
        var index = 0
        for start in stride(from: 0, to: inputs.count, by: batch.maxBatch) {
            let chunk = Array(inputs[start..<min(start + batch.maxBatch, inputs.count)])
            for prediction in try classifier.classify(chunk, policy: setting.policy) {
                try printJSONLine([
                    "index": index, "label": labels[prediction.label], "label_id": prediction.label,
                    "probabilities": Dictionary(uniqueKeysWithValues: zip(labels, prediction.probabilities.map(Double.init))),
                    "exit_layer": prediction.exitLayer, "uncertainty": Double(prediction.uncertainty),
                ] as [String: Any])
                index += 1
            }
        }
    }
}
