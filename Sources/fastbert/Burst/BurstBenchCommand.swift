import ArgumentParser
import Foundation
import Jobs
import Kafka
import Logging
import Pipeline

/// `fastbert bench-burst`: serve under a burst of input, with adaptive speed off and on. Each run
/// streams a labelled file (cycled) at a steady rate below what serve sustains, then at `--burst-factor`
/// times the sustainable rate, then steady again; it records how many records are behind and the
/// accuracy of what was produced when, and reports the recovery time.
struct BurstBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-burst",
        abstract: "Serve under an input burst with adaptive speed off and on: records behind, accuracy, recovery (use a release build).")

    @OptionGroup(title: "Model (a trained one: accuracy is measured)") var model: ModelOptions
    @OptionGroup var tokens: TokenLimitOptions
    @OptionGroup var threads: ThreadsOptions
    @OptionGroup var speed: SpeedOptions
    @OptionGroup var batch: BatchOptions
    @OptionGroup var adaptive: AdaptiveSpeedOptions

    @Option(help: "Labelled texts (tsv, csv, jsonl), cycled.")
    var data: String

    @Option(help: "Sustainable rate in messages/s (default: measured, the engine alone at --speed on these texts).")
    var rate: Double?

    @Option(help: "Steady input as a fraction of the sustainable rate.")
    var steadyFraction = 0.5

    @Option(help: "Burst input as a multiple of the sustainable rate.")
    var burstFactor = 5.0

    @Option(help: "Seconds of steady input before the burst.")
    var steadySeconds = 15.0

    @Option(help: "Seconds of burst.")
    var burstSeconds = 5.0

    @Option(help: "Seconds of steady input after the burst.")
    var afterSeconds = 45.0

    @Option(help: "Write both timelines as JSON to this file.")
    var json: String?

    @OptionGroup var logging: LoggingOptions

    @Option(help: "Write the chart (records behind and accuracy over time) as SVG to this file.")
    var svg: String?

    func run() async throws {
        var logging = self.logging
        if logging.logLevel == "info" { logging.logLevel = "warning" }
        let logger = logging.bootstrap(label: "fastbert.bench-burst")
        let bundle = try model.bundle(threads: threads, tokens: tokens)
        let dataset = try DatasetReader.read(path: data)
        guard let gold = dataset.labels, !dataset.texts.isEmpty else { throw CommandFailure("\(data) has no labelled rows") }
        let base = speed.speed
        let maxSpeed = adaptive.adaptiveMaxSpeed ?? min(1, base + 0.4)
        let sustainable = try rate ?? measureEngine(bundle: bundle, texts: dataset.texts)
        let plan = BurstRun.Plan(
            steadyRate: sustainable * steadyFraction, burstRate: sustainable * burstFactor, burstStart: steadySeconds,
            burstSeconds: burstSeconds, total: Int(sustainable * (steadyFraction * (steadySeconds + afterSeconds) + burstFactor * burstSeconds)),
            timeout: .seconds(Int(steadySeconds + burstSeconds + afterSeconds) * 3))
        print(String(format: "sustainable %.0f msg/s: steady %.0f msg/s, burst %.0f msg/s for %.0f s, %d messages per run",
                     sustainable, plan.steadyRate, plan.burstRate, burstSeconds, plan.total))
        let labels = Set(bundle.labels)
        let matches: @Sendable (String, String) -> Bool = { predicted, truth in
            labels.contains(truth) ? predicted == truth
                : PipelineDemoLabels.polarity(predicted).map { $0 == PipelineDemoLabels.polarity(truth) } ?? false
        }
        var runs: [BurstTimeline] = []
        let adaptiveRule = AdaptiveSpeed(baseSpeed: base, maxSpeed: maxSpeed, targetLag: adaptive.adaptiveTargetLag,
                                         targetWait: adaptive.adaptiveTargetWaitMs.map { .milliseconds($0) })
        for (label, exit) in [(String(format: "speed %.2f fixed", base), ExitRule.speed(base)),
                              (String(format: "adaptive %.2f-%.2f", base, maxSpeed), .adaptive(adaptiveRule))] {
            let timeline = try await runOnce(label: label, exit: exit, logger: logger, bundle: bundle, texts: dataset.texts, gold: gold,
                                             plan: plan, matches: matches)
            let recovery = timeline.recoverySeconds.map { String(format: "%.1f s", $0) } ?? "not within the run"
            print(String(format: "%-22@ accuracy %.2f%%  in burst %.2f%%  peak behind %6d  recovery %@  mean exit layer %.2f",
                         label as NSString, timeline.accuracy * 100, timeline.burstAccuracy * 100, timeline.peakBehind,
                         recovery, timeline.meanExitLayer))
            runs.append(timeline)
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(runs).write(to: URL(fileURLWithPath: json))
        }
        if let svg {
            let title = String(format: "%@ on %@: burst %.0fx the sustainable %.0f msg/s", bundle.modelId, (data as NSString).lastPathComponent,
                               burstFactor, sustainable)
            try BurstChart.svg(runs, title: title).write(toFile: svg, atomically: true, encoding: .utf8)
        }
    }

    private func runOnce(
        label: String, exit: ExitRule, logger: Logger, bundle: ModelBundle, texts: [String], gold: [String], plan: BurstRun.Plan,
        matches: @escaping @Sendable (String, String) -> Bool
    ) async throws -> BurstTimeline {
        let cluster = try MockCluster(brokers: 1, logger: logger)
        defer { cluster.close() }
        try cluster.createTopic("burst.in", partitions: 4)
        try cluster.createTopic("burst.out", partitions: 4)
        let serve = ServePipeline(
            configuration: ServeConfiguration(
                brokers: cluster.bootstrapServers, inputTopics: ["burst.in"], group: "bench-burst",
                processing: ProcessingSettings(exit: exit, maxBatch: batch.maxBatch, routing: OutputRouting(outputTopic: "burst.out")),
                kafkaProperties: [("consumer.session.timeout.ms", "6000")]),
            model: bundle, logger: logger)
        let metrics = serve.metrics
        let run = BurstRun(
            label: label, config: cluster.clientConfig(), producerConfig: cluster.clientConfig([("linger.ms", "5")]),
            input: "burst.in", output: "burst.out", texts: texts, gold: gold, plan: plan,
            speed: { Self.speedGauge(metrics.exposition()) }, matches: matches)
        try await runServices([serve, run], logger: logger, shutdownTimeout: .seconds(30))
        return run.timeline
    }

    static func speedGauge(_ exposition: String) -> Double {
        exposition.split(separator: "\n").first { $0.hasPrefix("fastbert_speed ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") } ?? .nan
    }

    /// Engine-alone throughput at --speed on the first 1,024 texts, batches of --max-batch.
    private func measureEngine(bundle: ModelBundle, texts: [String]) throws -> Double {
        let sample = (0..<1024).map { texts[$0 % texts.count] }
        return try engineThroughput(TextClassifier(bundle: bundle), texts: sample, batch: batch.maxBatch, speed: speed.speed)
    }
}
