import ArgumentParser
import FastBERT
import Foundation
import Jobs

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Accuracy, macro-F1, exit layers and FLOPs / wall-clock speedup at each speed, on labelled data.")

    @OptionGroup var model: ModelOptions
    @OptionGroup var tokens: TokenLimitOptions
    @OptionGroup var threads: ThreadsOptions
    @OptionGroup var batch: BatchOptions
    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Comma-separated speeds (speed 0 is always measured first, as the reference).")
    var speeds: String = "0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9"
    @Option(help: "speed: the --speeds curve; calibrated: the curve and the model folder's calibrated exit policy.")
    var exit: SpeedOptions.Exit = .speed
    @Option(help: "Time each setting this many times and keep the fastest.") var repeats: Int = 1
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
        _ = try dataOptions.requiredPath()
        _ = try parsedSpeeds()
        guard repeats > 0 else { throw ValidationError("--repeats must be positive") }
    }

    func run() throws {
        let data = try dataOptions.read(withLabels: true, seed: seed)
        let bundle = try model.bundle(threads: threads, tokens: tokens)
        var settings = try parsedSpeeds().map { ExitSetting.speed($0, layers: bundle.numLayers) }
        if exit == .calibrated { settings.append(try SpeedOptions.calibrated(bundle, folder: model.model)) }
        let report = try EvaluationJob.run(
            bundle: bundle, modelDirectory: model.model, data: data, dataName: try dataOptions.requiredPath(), settings: settings,
            batchSize: batch.maxBatch, repeats: repeats)
        print(report.table())
        if let verdict = report.earlyExitVerdict { print("eval: \(verdict)") }
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
