import ArgumentParser
import FastBERT
import Foundation
import Jobs

/// `fastbert calibrate`: per-layer exits chosen for an accuracy budget, written into the model folder.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Choose per-layer exit thresholds (or patience) for the largest speedup within an accuracy budget.",
        discussion: """
            Every layer's classifier is run on the labelled data; the entropy and top-probability criteria with one \
            threshold per layer, and PABEE's patience, are searched for the largest FLOPs speedup whose losses (rows full \
            depth gets right and the exit gets wrong; gains are not credited), plus --z standard errors, stay within \
            the search budget. That budget is --max-drop, cut by 5-fold cross-validation until policies searched on \
            four fifths of the rows drop at most --max-drop points on the fifth they did not see. The winner is timed against full depth and written to MODEL/exit-policy.json (full \
            depth when nothing pays); \
            serve, replay, classify and eval use it with --exit calibrated. Calibrate on data the model was not \
            trained on (for example the validation rows `fastbert train` held out) and check it with \
            `fastbert eval --exit calibrated` on another split.
            """)

    @OptionGroup var model: ModelOptions
    @OptionGroup var tokens: TokenLimitOptions
    @OptionGroup var threads: ThreadsOptions
    @OptionGroup var batch: BatchOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Allowed accuracy drop from full depth, in percentage points.")
    var maxDrop: Double = 0.5

    @Option(help: "Standard errors added to the measured losses before they are compared with --max-drop.")
    var z: Double = 1.0

    @Option(help: "Timed passes for the wall-clock check (the fastest counts).")
    var repeats: Int = 3

    @Option(help: "Seed for --limit sampling.")
    var seed: UInt64 = 42

    @Flag(help: "Report only; do not write exit-policy.json.")
    var dryRun = false

    func validate() throws {
        _ = try dataOptions.requiredPath()
        guard maxDrop >= 0 else { throw ValidationError("--max-drop must not be negative") }
        guard z >= 0 else { throw ValidationError("--z must not be negative") }
        guard repeats > 0 else { throw ValidationError("--repeats must be positive") }
    }

    func run() throws {
        let bundle = try model.bundle(threads: threads, tokens: tokens)
        let data = try dataOptions.read(withLabels: true, seed: seed)
        let report = try CalibrationJob.run(
            bundle: bundle, data: data, dataName: Self.fullPath(try dataOptions.requiredPath()), budget: maxDrop, z: z, batchSize: batch.maxBatch,
            repeats: repeats)
        print(String(format: "calibrate: full depth %.2f%% on %d examples; budget %.2f points (+%.2f standard errors)",
                     report.fullDepthAccuracy * 100, data.count, maxDrop, z))
        for outcome in report.candidates {
            let shares = outcome.exitShare.map { String(format: "%.0f", $0 * 100) }.joined(separator: "/")
            print(String(format: "  %@: %.2f%% (drop %.2f, losses %.2f, bound %.2f), %.2fx FLOPs, exit shares %% %@",
                         outcome.policy.description, outcome.accuracy * 100, outcome.drop, outcome.losses, outcome.dropBound,
                         outcome.flopsSpeedup, shares))
        }
        print("calibrate: \(report.chosen.summary)")
        guard !dryRun else { return }
        try report.chosen.write(to: model.model)
        print("calibrate: written to \(CalibratedExit.path(in: model.model))")
    }

    /// The data file as exit-policy.json records it: a path relative to where calibrate ran
    /// would name another file, or none, wherever the policy is read.
    static func fullPath(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
