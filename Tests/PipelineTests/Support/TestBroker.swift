import Foundation
import Kafka
import XCTest

/// The broker an integration test talks to: librdkafka's in-process mock cluster, or the
/// external one named by `FASTBERT_TEST_BROKERS` (Tansu in CI, see scripts/test-tansu), so
/// that the same test also runs against a second, independent implementation of the protocol.
final class TestBroker {
    static let environmentKey = "FASTBERT_TEST_BROKERS"
    static var external: String? { ProcessInfo.processInfo.environment[environmentKey].flatMap { $0.isEmpty ? nil : $0 } }

    let bootstrapServers: String
    /// Nil against an external broker.
    let mock: MockCluster?

    init(mock: MockCluster) {
        self.mock = mock
        bootstrapServers = mock.bootstrapServers
    }

    /// The external broker if one is named, else a new mock cluster of `brokers` brokers.
    init(brokers: Int) throws {
        if let external = Self.external {
            mock = nil
            bootstrapServers = external
        } else {
            let cluster = try MockCluster(brokers: brokers, logger: KafkaTestSupport.quietLogger)
            mock = cluster
            bootstrapServers = cluster.bootstrapServers
        }
    }

    var isMock: Bool { mock != nil }

    func clientConfig(_ extra: [(String, String)] = []) -> KafkaConfig {
        KafkaConfig(bootstrapServers: bootstrapServers, extra)
    }

    func createTopic(_ name: String, partitions: Int32) throws {
        if let mock { return try mock.createTopic(name, partitions: partitions) }
        let admin = try KafkaAdmin(config: clientConfig(), logger: KafkaTestSupport.quietLogger)
        try admin.createTopics([.init(name: name, partitions: partitions)])
    }

    /// Skips the calling test unless it runs on the mock: for what only the mock can do
    /// (broker down/up, injected errors) or checks a broker gets wrong (Tansu's high watermark).
    static func requireMock(_ reason: String) throws {
        if let external { throw XCTSkip("mock cluster only (\(reason)); FASTBERT_TEST_BROKERS=\(external)") }
    }
}
