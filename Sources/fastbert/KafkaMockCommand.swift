import ArgumentParser
import Foundation
import Kafka
import Logging
import ServiceLifecycle

/// `fastbert kafka-mock`: librdkafka's mock cluster as a standalone broker for local runs and tests.
struct KafkaMockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-mock",
        abstract: "Run an in-process mock Kafka cluster (librdkafka) until SIGINT/SIGTERM; prints 'bootstrap: HOST:PORT' first.")

    @Option(help: "Number of brokers.")
    var brokers: Int = 3

    @Option(name: .customLong("topic"), help: "Topic to create, NAME:PARTITIONS (repeatable).")
    var topics: [String] = []

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard brokers >= 1 else { throw ValidationError("--brokers must be at least 1") }
        _ = try parsedTopics()
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "fastbert.kafka-mock")
        let service = MockClusterService(brokers: brokers, topics: try parsedTopics(), logger: logger)
        try await runServices([service], logger: logger, shutdownTimeout: .seconds(5))
    }

    private func parsedTopics() throws -> [String: Int32] {
        var result: [String: Int32] = [:]
        for spec in topics {
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
            guard !parts[0].isEmpty, parts.count <= 2 else { throw ValidationError("--topic expects NAME[:PARTITIONS], got '\(spec)'") }
            let partitions = parts.count == 2 ? Int32(parts[1]) : 1
            guard let partitions, partitions > 0 else { throw ValidationError("bad partition count in '\(spec)'") }
            result[String(parts[0])] = partitions
        }
        return result
    }
}

/// The mock cluster as a service: runs until graceful shutdown.
private struct MockClusterService: Service {
    let brokers: Int
    let topics: [String: Int32]
    let logger: Logger

    func run() async throws {
        let topics = self.topics
        try await cancelWhenGracefulShutdown {
            try await MockCluster.runStandalone(brokers: brokers, topics: topics, logger: logger) { cluster in
                print("bootstrap: \(cluster.bootstrapServers)")
                for (name, partitions) in topics.sorted(by: { $0.key < $1.key }) {
                    print("topic: \(name) partitions=\(partitions)")
                }
                fflush(nil)
            }
        }
    }
}
