import Foundation
import Kafka
import Logging
import Pipeline
import ServiceLifecycle

/// Runs `ServePipeline` (plus optionally its metrics server) in-process in a ServiceGroup.
final class ServeHarness: @unchecked Sendable {
    let pipeline: ServePipeline
    private let group: ServiceGroup
    private var task: Task<Void, any Error>?
    let metricsPort = Collected<Int>()

    init(
        bootstrap: String, input: String, output: String, group groupId: String, dlq: String? = nil,
        speed: Float = 0.3, exit: ExitRule? = nil, maxBatch: Int = 32, format: InputFormat = .text, maxBytes: Int = 4096,
        metrics: Bool = false, extraKafka: [(String, String)] = [], logger: Logger = KafkaTestSupport.quietLogger,
        configure: (inout ServeConfiguration) -> Void = { _ in }
    ) throws {
        let model = try TestModel.loaded()
        var configuration = ServeConfiguration(
            brokers: bootstrap, inputTopics: [input], group: groupId,
            processing: ProcessingSettings(
                exit: exit ?? .speed(speed), maxBatch: maxBatch, maxWait: .milliseconds(10),
                decoder: InputDecoder(format: format, textField: "text", maxBytes: maxBytes),
                routing: OutputRouting(outputTopic: output, deadLetterTopic: dlq)),
            kafkaProperties: KafkaTestSupport.groupProperties + extraKafka,
            commitInterval: .milliseconds(200), shutdownTimeout: .seconds(20), lagInterval: .milliseconds(500))
        configure(&configuration)
        pipeline = ServePipeline(configuration: configuration, model: model, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: pipeline, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        if metrics {
            let ports = metricsPort
            services.append(.init(service: MetricsServer(
                port: 0, metrics: pipeline.metrics, health: pipeline.health, logger: KafkaTestSupport.quietLogger
            ) { ports.append($0) }))
        }
        group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: KafkaTestSupport.quietLogger))
    }

    func start() {
        let group = self.group
        task = Task { try await group.run() }
    }

    /// Graceful shutdown; rethrows the pipeline's error.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task?.value
    }

    /// Waits until `condition` holds (polling); throws after `timeout` with `what`.
    func waitUntil(_ what: String, timeout: Duration = .seconds(60), _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while try !condition() {
            guard ContinuousClock.now < deadline else {
                throw HarnessError("\(what) not reached after \(timeout); metrics:\n\(pipeline.metrics.exposition())")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The value of one metric line (`name` including labels), nil if absent.
    func metric(_ name: String) -> Double? {
        pipeline.metrics.exposition().split(separator: "\n")
            .first { $0.hasPrefix(name + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// Waits until the pipeline is ready (joined its group).
    func waitUntilReady(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !pipeline.health.isReady {
            guard ContinuousClock.now < deadline else { throw HarnessError("pipeline not ready after \(timeout)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
