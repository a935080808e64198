import ArgumentParser
import FastBERT
import Foundation
import Kafka
import Pipeline
import ServiceLifecycle

/// `fastbert demo`: an in-process mock Kafka cluster, a stream of labelled review sentences, the
/// real `serve` pipeline in between, and a live per-layer exit table.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Stream labelled sentences through a mock Kafka cluster and the serve pipeline; show early exits live.")

    @OptionGroup(title: "Model (a trained sentiment model; see scripts/train-demo-model)") var model: ModelOptions
    @OptionGroup var tokens: TokenLimitOptions
    @OptionGroup var threads: ThreadsOptions
    @OptionGroup var speed: SpeedOptions
    @OptionGroup var batch: BatchOptions

    @Option(help: "Messages to stream.")
    var messages: Int = 2000

    @Option(help: "One malformed input every N messages, to show dead letters (0: none).")
    var badEvery: Int = 100

    @Option(help: "Give up after this many seconds.")
    var timeout: Int = 600

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard messages > 0 else { throw ValidationError("--messages must be positive") }
    }

    func run() async throws {
        var logging = self.logging
        if logging.logLevel == "info" { logging.logLevel = "warning" }
        let logger = logging.bootstrap(label: "fastbert.demo")
        let loaded = try model.bundle(threads: threads, tokens: tokens)
        let cluster = try MockCluster(brokers: 3, logger: logger)
        defer { cluster.close() }
        let (input, output, dlq) = ("demo.reviews", "demo.classified", "demo.dead-letters")
        try cluster.createTopic(input, partitions: 3)
        try cluster.createTopic(output, partitions: 3)
        try cluster.createTopic(dlq, partitions: 1)
        say("mock cluster: \(cluster.bootstrapServers)   model: \(loaded.modelId) (\(loaded.numLayers) layers, labels \(loaded.labels))")
        let exit: ExitRule = speed.exit == .calibrated
            ? .calibrated(try SpeedOptions.calibrated(loaded, folder: model.model).policy) : .speed(speed.speed)
        say("streaming \(messages) messages "
            + (speed.exit == .calibrated ? "with the model's calibrated exits" : "at speed \(speed.speed)")
            + " (first group join takes a few seconds)...")

        let expected = PipelineDemoFeed.expectedLabels(count: messages, badEvery: badEvery)
        let serve = ServePipeline(
            configuration: ServeConfiguration(
                brokers: cluster.bootstrapServers, inputTopics: [input], group: "fastbert-demo",
                processing: ProcessingSettings(
                    exit: exit, maxBatch: batch.maxBatch,
                    decoder: InputDecoder(format: .json, textField: "text"),
                    routing: OutputRouting(outputTopic: output, deadLetterTopic: dlq)),
                kafkaProperties: [("consumer.session.timeout.ms", "6000")]),
            model: loaded, logger: logger)
        let monitor = PipelineDemoMonitor(
            config: cluster.clientConfig(), outputTopic: output, deadLetterTopic: dlq, expected: expected,
            labels: loaded.labels, numLayers: loaded.numLayers, total: messages, timeout: .seconds(timeout))
        let started = Date()
        try PipelineDemoFeed.start(config: cluster.clientConfig(), topic: input, count: messages, badEvery: badEvery)
        try await runServices([serve, monitor], logger: logger, shutdownTimeout: .seconds(30))
        printSummary(monitor.stats, elapsed: Date().timeIntervalSince(started), labels: loaded.labels)
    }

    /// Unbuffered stdout, so lines interleave correctly with the live table.
    private func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    private func printSummary(_ s: PipelineDemoMonitor.Stats, elapsed: Double, labels: [String]) {
        let busy = s.firstOutput.flatMap { first in s.lastOutput.map { $0.timeIntervalSince(first) } } ?? 0
        say("")
        say("summary")
        say("  messages answered: \(s.answered.count)/\(messages) (\(s.results) results, \(s.deadLetters) dead letters)")
        if s.labelled > 0 {
            say(String(format: "  accuracy:          %.1f%% (%d/%d labelled)", 100 * Double(s.correct) / Double(s.labelled), s.correct, s.labelled))
        } else {
            say("  accuracy:          n/a (model labels \(labels) are not positive/negative)")
        }
        say(String(format: "  mean exit layer:   %.2f of %d", s.results > 0 ? Double(s.exitLayerSum) / Double(s.results) : 0, s.exits.count))
        // Outputs arrive in fetch-sized bursts: below a second the rate says nothing.
        let rate = busy >= 1 ? String(format: "%.0f msg/s (first to last output)", Double(s.answered.count) / busy)
            : "too short to measure (use more --messages; scripts/bench-pipeline measures it properly)"
        say(String(format: "  throughput:        %@, %.1f s total", rate, elapsed))
    }
}

/// The demo's input stream: JSON `{"text", "label"}` records keyed `review-N`, with an
/// occasional malformed record.
enum PipelineDemoFeed {
    static func expectedLabels(count: Int, badEvery: Int) -> [String: String] {
        var labels: [String: String] = [:]
        for i in 0..<count where !isBad(i, badEvery) {
            labels["review-\(i)"] = PipelineDemoSentences.all[i % PipelineDemoSentences.all.count].label
        }
        return labels
    }

    static func isBad(_ i: Int, _ badEvery: Int) -> Bool { badEvery > 0 && i % badEvery == badEvery - 1 }

    /// Produces the stream on a background thread.
    static func start(config: KafkaConfig, topic: String, count: Int, badEvery: Int) throws {
        let producer = try KafkaProducer(config: config) { _ in }
        let thread = Thread {
            for i in 0..<count {
                let sentence = PipelineDemoSentences.all[i % PipelineDemoSentences.all.count]
                let value: [UInt8]
                if isBad(i, badEvery) {
                    value = (i / badEvery) % 2 == 0 ? Array(#"{"text": "unterminated"#.utf8) : Array(#"{"body": "no text field"}"#.utf8)
                } else {
                    let object = ["text": sentence.text, "label": sentence.label]
                    value = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map(Array.init) ?? []
                }
                try? producer.send(topic: topic, key: Array("review-\(i)".utf8), value: value)
            }
            try? producer.close(timeout: .seconds(30))
        }
        thread.name = "demo-feed"
        thread.start()
    }
}
