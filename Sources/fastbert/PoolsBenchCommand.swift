import ArgumentParser
import FastBERT
import Foundation
import Jobs
import Kafka

/// `fastbert bench-pools`: serve (a child process, librdkafka's mock cluster) at several speeds,
/// with per-layer pools off and on: throughput on a preloaded topic, then end-to-end latency at one
/// input rate per speed (a fraction of the rate without pools, so both runs see the same load).
/// Next to them the analytical FLOPs speedup of each speed on these texts and the wall-clock
/// speedup (throughput over full depth without pools).
struct PoolsBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-pools",
        abstract: "Benchmark serve with and without per-layer pools at several speeds (use a release build).")

    @OptionGroup(title: "Model (a trained one: exits depend on its students)") var model: ModelOptions
    @OptionGroup var tokens: TokenLimitOptions
    @OptionGroup var threads: ThreadsOptions
    @OptionGroup var batch: BatchOptions

    @Option(help: "Texts to classify (tsv, csv, jsonl), cycled.")
    var data: String

    @Option(help: "Speeds to measure, comma-separated.")
    var speeds = "0.1,0.3,0.5"

    @Option(help: "The pool wait of the runs with pools, ms.")
    var maxPoolWaitMs = 50

    @Option(help: "Messages for each throughput run.")
    var messages = 3000

    @Option(help: "Latency input rate as a fraction of the throughput without pools at that speed.")
    var rateFraction = 0.7

    @Option(help: "Seconds of each latency run.")
    var latencySeconds = 15.0

    @Option(help: "Write the rows as JSON to this file.")
    var json: String?

    struct Row: Codable {
        var speed: Float
        var maxPoolWaitMs: Int
        var messagesPerSecond: Double
        var flopsSpeedup: Double
        var wallSpeedup: Double
        var latencyRate: Double
        var p50Ms: Double
        var p99Ms: Double
        /// Where the p99 goes: inside serve (queue, pools, inference), and the Kafka legs in and out.
        var inServeP99Ms: Double
        var inputLegP99Ms: Double
        var outputLegP99Ms: Double
    }

    func validate() throws {
        guard parsedSpeeds.count == speeds.split(separator: ",").count, parsedSpeeds.allSatisfy({ (0...1).contains($0) }) else {
            throw ValidationError("--speeds must be comma-separated numbers in [0, 1]")
        }
        guard maxPoolWaitMs > 0 else { throw ValidationError("--max-pool-wait-ms must be positive (the runs without pools use 0)") }
        guard messages > 0, rateFraction > 0, latencySeconds > 0 else {
            throw ValidationError("--messages, --rate-fraction and --latency-seconds must be positive")
        }
    }

    private var parsedSpeeds: [Float] { speeds.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) } }

    func run() async throws {
        let dataset = try DatasetReader.read(path: data, withLabels: false)
        guard !dataset.texts.isEmpty else { throw CommandFailure("\(data) has no texts") }
        let texts = (0..<messages).map { dataset.texts[$0 % dataset.texts.count] }
        let bundle = try model.bundle(threads: threads, tokens: tokens)
        let fullDepth = try throughput(speed: 0, poolWaitMs: 0, texts: texts)
        print(String(format: "full depth, no pools: %.1f msg/s (%d messages of %@, batch %d, %d threads)",
                     fullDepth, messages, (data as NSString).lastPathComponent, batch.maxBatch, threads.threads))
        print("speed  pool-ms   msg/s  FLOPs-x  wall-x  wall/FLOPs  latency@msg/s   p50 ms   p99 ms  p99 in serve / in / out")
        var rows: [Row] = []
        for speed in parsedSpeeds {
            let flops = try flopsSpeedup(bundle: bundle, texts: dataset.texts, speed: speed)
            var rate: Double?
            for poolWait in [0, maxPoolWaitMs] {
                let row = try measure(speed: speed, poolWaitMs: poolWait, texts: texts, rate: rate, flops: flops, fullDepth: fullDepth)
                rate = row.latencyRate
                print(String(format: "%5.2f  %7d  %6.1f  %7.2f  %6.2f  %10.2f  %13.1f  %7.1f  %7.1f  %7.1f / %.1f / %.1f", speed, poolWait,
                             row.messagesPerSecond, flops, row.wallSpeedup, row.wallSpeedup / flops, row.latencyRate, row.p50Ms,
                             row.p99Ms, row.inServeP99Ms, row.inputLegP99Ms, row.outputLegP99Ms))
                rows.append(row)
            }
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(rows).write(to: URL(fileURLWithPath: json))
        }
    }

    /// Throughput, then latency at `rate` (default: `rateFraction` of this run's throughput), on a fresh cluster.
    private func measure(
        speed: Float, poolWaitMs: Int, texts: [String], rate: Double?, flops: Double, fullDepth: Double
    ) throws -> Row {
        let (cluster, serve) = try start(speed: speed, poolWaitMs: poolWaitMs, texts: texts)
        defer {
            serve.stop()
            cluster.close()
        }
        let perSecond = try serve.measureThroughput(total: texts.count)
        let inputRate = rate ?? perSecond * rateFraction
        let latency = try PipelineBenchKafka.latencyRun(
            cluster: cluster, input: "bench.in", output: "bench.out", texts: texts, rate: inputRate, seconds: latencySeconds)
        return Row(speed: speed, maxPoolWaitMs: poolWaitMs, messagesPerSecond: perSecond, flopsSpeedup: flops,
                   wallSpeedup: perSecond / fullDepth, latencyRate: inputRate, p50Ms: latency.endToEnd.p50, p99Ms: latency.endToEnd.p99,
                   inServeP99Ms: latency.inServe.p99, inputLegP99Ms: latency.inputLeg.p99, outputLegP99Ms: latency.outputLeg.p99)
    }

    private func throughput(speed: Float, poolWaitMs: Int, texts: [String]) throws -> Double {
        let (cluster, serve) = try start(speed: speed, poolWaitMs: poolWaitMs, texts: texts)
        defer {
            serve.stop()
            cluster.close()
        }
        return try serve.measureThroughput(total: texts.count)
    }

    private func start(speed: Float, poolWaitMs: Int, texts: [String]) throws -> (MockCluster, PipelineBenchServe) {
        let cluster = try MockCluster(brokers: 1)
        try cluster.createTopic("bench.in", partitions: 4)
        try cluster.createTopic("bench.out", partitions: 4)
        try PipelineBenchKafka.produce(cluster: cluster, topic: "bench.in", texts: texts)
        let serve = try PipelineBenchServe(modelDirectory: model.model, bootstrap: cluster.bootstrapServers, speed: speed,
                                           maxBatch: batch.maxBatch, threads: threads.threads, maxPoolWaitMs: poolWaitMs)
        return (cluster, serve)
    }

    /// Full-depth FLOPs over the FLOPs at `speed` (every student up to its exit is evaluated), per FastBERT's count.
    private func flopsSpeedup(bundle: ModelBundle, texts: [String], speed: Float) throws -> Double {
        let classifier = try TextClassifier(bundle: bundle)
        let config = bundle.model.config
        let policy = ExitPolicy.speed(speed, layers: config.numLayers)
        var full = 0.0, early = 0.0
        for offset in stride(from: 0, to: texts.count, by: batch.maxBatch) {
            let chunk = Array(texts[offset..<min(offset + batch.maxBatch, texts.count)])
            for (text, prediction) in zip(chunk, try classifier.classify(chunk, policy: policy)) {
                let length = bundle.tokenIds(text).count
                full += FlopCount.sample(config, length: length, exitLayer: config.numLayers, classifiers: 1)
                early += FlopCount.sample(config, length: length, exitLayer: prediction.exitLayer,
                                          classifiers: policy.classifiersEvaluated(exitLayer: prediction.exitLayer, numLayers: config.numLayers))
            }
        }
        return full / early
    }
}
