import ArgumentParser
import FastBERT
import Foundation
import Jobs
import Kafka
import Pipeline
import Tokenizers

/// `fastbert bench-pipeline`: end-to-end throughput through Kafka next to engine-only throughput
/// on the same messages and model, latency percentiles at a fixed input rate, and the peak RSS
/// of a `fastbert serve` child process. Uses librdkafka's mock cluster in this process.
struct PipelineBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-pipeline",
        abstract: "Benchmark serve end to end through Kafka against the engine alone (use a release build).")

    @OptionGroup(title: "Model (if missing, the MiniLM backbone --backbone with random heads is used)") var model: ModelOptions
    @OptionGroup var tokens: TokenLimitOptions
    @OptionGroup var threads: ThreadsOptions
    @OptionGroup var speed: SpeedOptions
    @OptionGroup var batch: BatchOptions

    @Option(help: "Backbone for the random-heads fallback.")
    var backbone: String = "models/all-MiniLM-L6-v2"

    @Option(help: "Messages for the throughput runs.")
    var messages: Int = 3000

    @Option(help: "Input rate for the latency run, messages/s (default: half the engine-only rate).")
    var rate: Double?

    @Option(help: "Seconds of the latency run.")
    var latencySeconds: Double = 20

    @Option(help: "Write results as JSON to this file.")
    var json: String?

    func run() async throws {
        let speed = self.speed.speed, maxBatch = batch.maxBatch, threads = self.threads.threads
        let modelDirectory = try resolveModel()
        let texts = (0..<messages).map { PipelineDemoSentences.all[$0 % PipelineDemoSentences.all.count].text }

        // 1. Engine alone: tokenize + classify in batches of maxBatch, one thread of control. Measured
        //    before and after the Kafka run (the machine may be shared) and averaged.
        let engineBefore = try measureEngine(modelDirectory: modelDirectory, texts: texts)
        print(String(format: "engine only:        %8.1f msg/s  (%d messages, batch %d, speed %.2f)", engineBefore, messages, maxBatch, speed))

        // 2. Through Kafka: preloaded input topic, serve as a child process, until every output is delivered.
        let cluster = try MockCluster(brokers: 1)
        defer { cluster.close() }
        try cluster.createTopic("bench.in", partitions: 4)
        try cluster.createTopic("bench.out", partitions: 4)
        try PipelineBenchKafka.produce(cluster: cluster, topic: "bench.in", texts: texts)
        let serve = try PipelineBenchServe(
            modelDirectory: modelDirectory, bootstrap: cluster.bootstrapServers, speed: speed, maxBatch: maxBatch, threads: threads)
        defer { serve.stop() }
        let throughput = try serve.measureThroughput(total: messages)
        let engineAfter = try measureEngine(modelDirectory: modelDirectory, texts: texts)
        let engineRate = (engineBefore + engineAfter) / 2
        print(String(format: "engine only again:  %8.1f msg/s  (mean %.1f)", engineAfter, engineRate))
        print(String(format: "through Kafka:      %8.1f msg/s  (%.0f%% of engine only)", throughput, 100 * throughput / engineRate))

        // 3. Latency at a fixed input rate (timestamps taken at produce time).
        let inputRate = rate ?? engineRate / 2
        let latency = try PipelineBenchKafka.latencyRun(
            cluster: cluster, input: "bench.in", output: "bench.out", texts: PipelineDemoSentences.all.map(\.text), rate: inputRate, seconds: latencySeconds)
        print(String(format: "latency @ %.0f msg/s: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d messages)",
                     inputRate, latency.endToEnd.p50, latency.endToEnd.p99, latency.endToEnd.max, latency.count))
        for (name, part) in [("input to serve", latency.inputLeg), ("in serve", latency.inServe), ("serve to output", latency.outputLeg)] {
            print(String(format: "  %-16@ p50 %.1f ms, p99 %.1f ms, max %.1f ms", name as NSString, part.p50, part.p99, part.max))
        }
        let rssMB = Double(serve.peakRSSKilobytes()) / 1024
        print(String(format: "serve peak RSS:     %8.1f MB", rssMB))
        let exitStatus = serve.stop()
        print("serve exit status after SIGTERM: \(exitStatus.map(String.init) ?? "timeout")")

        if let json {
            let result: [String: Any] = [
                "model": modelDirectory, "messages": messages, "speed": speed, "max_batch": maxBatch, "threads": threads,
                "engine_messages_per_second": engineRate, "kafka_messages_per_second": throughput,
                "ratio": throughput / engineRate, "latency_rate": inputRate, "latency_p50_ms": latency.endToEnd.p50,
                "latency_p99_ms": latency.endToEnd.p99, "latency_max_ms": latency.endToEnd.max, "serve_latency_p50_ms": latency.inServe.p50,
                "serve_latency_p99_ms": latency.inServe.p99, "serve_latency_max_ms": latency.inServe.max,
                "input_leg_p99_ms": latency.inputLeg.p99, "output_leg_p99_ms": latency.outputLeg.p99, "serve_peak_rss_mb": rssMB,
            ]
            try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: json))
        }
    }

    private func resolveModel() throws -> String {
        let model = self.model.model
        if FileManager.default.fileExists(atPath: model + "/config.json") { return model }
        guard FileManager.default.fileExists(atPath: backbone + "/config.json") else {
            throw CommandFailure("neither '\(model)' nor the backbone '\(backbone)' exists; run scripts/fetch-model")
        }
        let directory = NSTemporaryDirectory() + "fastbert-bench-model"
        print("'\(model)' not found: using \(backbone) with random heads (saved to \(directory))")
        let heads = try ModelDirectory.load(backbone).withNewClassifiers(labels: ["negative", "positive"], seed: 1)
        try ModelDirectory.save(heads, to: directory, tokenizerSource: backbone)
        return directory
    }

    private func measureEngine(modelDirectory: String, texts: [String]) throws -> Double {
        let classifier = try TextClassifier(bundle: try ModelBundle.load(
            directory: modelDirectory, maxLength: tokens.maxLength, threads: threads.threads))
        return try engineThroughput(classifier, texts: texts, batch: batch.maxBatch, speed: speed.speed)
    }
}
