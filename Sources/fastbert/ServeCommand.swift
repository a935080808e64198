import ArgumentParser
import FastBERT
import Jobs
import Foundation
import Pipeline
import ServiceLifecycle

/// `fastbert serve`: a consumer-group member classifying a Kafka stream (at-least-once).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Classify a Kafka topic into an output topic (micro-batched early exit, at-least-once, dead letters, metrics).")

    @OptionGroup var config: ConfigFileOptions
    @OptionGroup var kafka: KafkaOptions

    @Option(name: .customLong("input-topic"), help: "Topic to classify (repeat or comma-separate for several).")
    var inputTopics: [String]

    @Option(help: "Topic for results (and error records when no --dlq-topic is given).")
    var outputTopic: String

    @Option(help: "Consumer group id.")
    var group: String = "fastbert"

    @OptionGroup var processing: RecordProcessingOptions
    @OptionGroup var adaptive: AdaptiveSpeedOptions

    @Option(help: "Expose the status page (/), /metrics, /healthz, /readyz on this port (0 picks a free port).")
    var metricsPort: Int?

    @Option(help: "Address the metrics endpoint binds to (0.0.0.0 for all interfaces).")
    var metricsHost: String = "127.0.0.1"

    @Option(help: "Milliseconds between offset commits.")
    var commitIntervalMs = Int(ServeConfiguration.Defaults.commitInterval / .milliseconds(1))

    @Option(help: "Seconds allowed for drain, flush and commit on SIGTERM/SIGINT.")
    var shutdownTimeout = Int(ServeConfiguration.Defaults.shutdownTimeout / .seconds(1))

    @OptionGroup var logging: LoggingOptions

    func validate() throws { _ = try kafka.requiredBrokers() }

    func run() async throws {
        let logger = logging.bootstrap(label: "fastbert.serve")
        let bundle = try processing.bundle()
        let settings = try processing.settings(outputTopic: outputTopic, bundle: bundle, adaptive: adaptive)
        if let warning = processing.exitWarning(bundle: bundle, rule: settings.exit) { logger.warning("\(warning)") }
        let configuration = ServeConfiguration(
            brokers: try kafka.requiredBrokers(),
            inputTopics: inputTopics.flatMap { $0.split(separator: ",").map(String.init) },
            group: group,
            processing: settings,
            kafkaProperties: try kafka.properties(),
            commitInterval: .milliseconds(commitIntervalMs),
            shutdownTimeout: .seconds(shutdownTimeout))
        let pipeline = ServePipeline(configuration: configuration, model: bundle, logger: logger)
        var services: [any Service] = [pipeline]
        if let metricsPort {
            services.append(MetricsServer(
                host: metricsHost, port: metricsPort, metrics: pipeline.metrics, health: pipeline.health, logger: logger
            ) { port in
                FileHandle.standardError.write(Data("metrics: http://\(metricsHost):\(port)/metrics\n".utf8))
            })
        }
        try await runServices(services, logger: logger, shutdownTimeout: .seconds(shutdownTimeout))
    }
}
