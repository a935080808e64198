import ArgumentParser
import FastBERT
import Foundation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Accuracy, macro-F1, exit layers and FLOPs / wall-clock speedup at each speed, on labelled data.")

    @Option(help: "Model folder.") var model: String
    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Comma-separated speeds (speed 0 is always measured first, as the reference).")
    var speeds: String = "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9"
    @Option(help: "Inputs per engine batch.") var batchSize: Int = 32
    @Option(help: "Maximum tokens per text, [CLS] and [SEP] included.") var maxLength: Int = 128
    @Option(help: "Time each speed this many times and keep the fastest.") var repeats: Int = 1
    @Option(help: "Threads for matrix products.") var threads: Int = 2
    @Option(help: "Write the report as JSON here.") var json: String?
    @Option(help: "Write an SVG chart (accuracy vs speedup, exit layers) here.") var svg: String?
    @Option(help: "Seed for --limit sampling.") var seed: UInt64 = 42

    func parsedSpeeds() throws -> [Float] {
        let values = speeds.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0.map { (0...1).contains($0) } ?? false }) else {
            throw ValidationError("--speeds must be numbers in [0, 1], comma-separated")
        }
        return values.map { $0! }
    }

    func validate() throws {
        _ = try parsedSpeeds()
        guard batchSize > 0, repeats > 0, maxLength >= 2 else { throw ValidationError("sizes must be positive") }
    }

    func run() throws {
        let data = try dataOptions.read(withLabels: true, seed: seed)
        let report = try Evaluation.run(
            modelDirectory: model, data: data, dataName: dataOptions.data, speeds: try parsedSpeeds(), batchSize: batchSize,
            maxLength: maxLength, repeats: repeats, threads: max(1, threads))
        print(report.table())
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: URL(fileURLWithPath: json))
            print("eval: JSON written to \(json)")
        }
        if let svg {
            try Data(report.svg().utf8).write(to: URL(fileURLWithPath: svg))
            print("eval: chart written to \(svg)")
        }
    }
}
