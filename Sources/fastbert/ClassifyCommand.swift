import ArgumentParser
import FastBERT
import Foundation

struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify texts (arguments, or lines from stdin); one JSON object per input.")

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Exit threshold on normalized entropy: 0 = full depth (teacher), higher = earlier exits.")
    var speed: Float = 0.1

    @Option(name: .long, help: "Inputs per batch.")
    var batchSize: Int = 32

    @Option(name: .long, help: "Maximum tokens per input, [CLS] and [SEP] included.")
    var maxLength: Int = 128

    @Argument(help: "Texts to classify; read from stdin (one per line) when none are given.")
    var texts: [String] = []

    func validate() throws {
        guard (0...1).contains(speed) else { throw ValidationError("--speed must be in [0, 1]") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard maxLength >= 2 else { throw ValidationError("--max-length must be at least 2") }
    }

    func run() throws {
        let classifier = try TextClassifier(
            modelDirectory: modelOptions.model, maxLength: maxLength, threads: max(1, modelOptions.threads))
        let config = classifier.engine.model.config.fastbert
        if speed > 0 && !config.studentsDistilled {
            FileHandle.standardError.write(Data(
                "warning: \(classifier.engine.model.headStatus); use --speed 0 or run `fastbert distill`\n".utf8))
        }
        let inputs = texts.isEmpty ? readStandardInputLines() : texts
        let labels = classifier.labels
        var index = 0
        for start in stride(from: 0, to: inputs.count, by: batchSize) {
            let batch = Array(inputs[start..<min(start + batchSize, inputs.count)])
            for prediction in try classifier.classify(batch, speed: speed) {
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
