import CRdKafka
import Logging

/// An in-process Kafka cluster from librdkafka's mock broker (`rdkafka_mock.h`): real Kafka
/// protocol over TCP on 127.0.0.1 (random ports), with fault injection. For tests, demos and
/// `fastbert kafka-mock`. Limits of librdkafka 2.0.2's mock: no CreateTopics admin API (use
/// `createTopic`), offsets-for-times returns -1, first group join takes ~3 s (use
/// `session.timeout.ms=6000`), read_committed does not hide aborted messages.
///
/// All methods are thread-safe. The cluster lives until `close()` or deinit.
public final class MockCluster: @unchecked Sendable {
    private let handle: KafkaHandle
    private let cluster: Locked<NativeCluster?>
    /// Broker ids are `1...brokerCount`.
    public let brokerCount: Int
    /// Comma-separated `host:port` list for `bootstrap.servers`.
    public let bootstrapServers: String

    /// Starts a cluster with `brokers` brokers.
    public init(brokers: Int = 3, logger: Logger = Logger(label: "kafka.mock")) throws(KafkaError) {
        guard brokers >= 1 else { throw KafkaError(code: .invalidArgument, message: "brokers must be >= 1") }
        // The mock needs an rd_kafka_t for bookkeeping; a producer that is never used is enough.
        handle = try KafkaHandle(
            type: RD_KAFKA_PRODUCER, config: ["client.id": "mock-cluster"],
            context: CallbackContext(logger: logger), installErrorCallback: false)
        guard let mc = rd_kafka_mock_cluster_new(handle.rk, Int32(brokers)) else {
            throw KafkaError(code: .state, message: "rd_kafka_mock_cluster_new failed")
        }
        cluster = Locked(NativeCluster(pointer: mc))
        brokerCount = brokers
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(mc))
    }

    deinit { close() }

    /// Destroys the cluster (clients connected to it will see broker failures). Idempotent.
    public func close() {
        cluster.withLock { mc in
            if let cluster = mc { rd_kafka_mock_cluster_destroy(cluster.pointer) }
            mc = nil
        }
    }

    /// A config with `bootstrap.servers` pointing at this cluster.
    public func clientConfig(_ extra: [(String, String)] = []) -> KafkaConfig {
        KafkaConfig(bootstrapServers: bootstrapServers, extra)
    }

    /// Creates a topic (the mock does not support the CreateTopics admin request).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws(KafkaError) {
        try withCluster { mc throws(KafkaError) in
            try KafkaError.check(rd_kafka_mock_topic_create(mc, name, partitions, replicationFactor),
                                 "mock topic create failed", topic: name)
        }
    }

    /// Disconnects broker `id` and refuses new connections (no leader change).
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        try withCluster { mc throws(KafkaError) in
            try KafkaError.check(rd_kafka_mock_broker_set_down(mc, id), "broker \(id) down failed")
        }
    }

    /// Lets broker `id` accept connections again.
    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        try withCluster { mc throws(KafkaError) in
            try KafkaError.check(rd_kafka_mock_broker_set_up(mc, id), "broker \(id) up failed")
        }
    }

    /// Adds a round-trip delay to every response of broker `id`.
    public func setBrokerRTT(_ id: Int32, milliseconds: Int32) throws(KafkaError) {
        try withCluster { mc throws(KafkaError) in
            try KafkaError.check(rd_kafka_mock_broker_set_rtt(mc, id, milliseconds), "broker \(id) rtt failed")
        }
    }

    /// Moves the leadership of a partition (-1: leaderless).
    public func setPartitionLeader(topic: String, partition: Int32, broker: Int32) throws(KafkaError) {
        try withCluster { mc throws(KafkaError) in
            try KafkaError.check(rd_kafka_mock_partition_set_leader(mc, topic, partition, broker),
                                 "set leader failed", topic: topic, partition: partition)
        }
    }

    /// Makes metadata responses report `error` for `topic` (e.g. `.topicAuthorizationFailed`,
    /// or `.unknownTopicOrPartition` for a deleted topic); `.noError` clears it. Produce and
    /// Fetch requests are not affected (use `pushRequestErrors` for those).
    public func setTopicError(_ topic: String, _ error: KafkaErrorCode) throws(KafkaError) {
        try withCluster { mc throws(KafkaError) in
            rd_kafka_mock_topic_set_error(mc, topic, error.native)
        }
    }

    /// The next `errors.count` requests of type `apiKey` (to any broker) fail with these
    /// errors, in order. `.transport` makes the broker drop the connection instead.
    public func pushRequestErrors(apiKey: KafkaApiKey, errors: [KafkaErrorCode]) throws(KafkaError) {
        guard !errors.isEmpty else { return }
        try withCluster { mc throws(KafkaError) in
            let native = errors.map(\.native)
            rd_kafka_mock_push_request_errors_array(mc, apiKey.rawValue, native.count, native)
        }
    }

    /// Drops any pending injected errors for `apiKey`.
    public func clearRequestErrors(apiKey: KafkaApiKey) throws(KafkaError) {
        try withCluster { mc throws(KafkaError) in
            rd_kafka_mock_clear_request_errors(mc, apiKey.rawValue)
        }
    }

    /// Runs a cluster until the surrounding task is cancelled, for a CLI such as
    /// `fastbert kafka-mock`: creates `topics` (name -> partition count), calls `onReady`
    /// (e.g. to print `bootstrapServers`), then waits; on cancellation closes the cluster
    /// and returns.
    public static func runStandalone(
        brokers: Int = 3, topics: [String: Int32] = [:],
        logger: Logger = Logger(label: "kafka.mock"),
        onReady: @Sendable (MockCluster) -> Void
    ) async throws(KafkaError) {
        let cluster = try MockCluster(brokers: brokers, logger: logger)
        defer { cluster.close() }
        for (name, partitions) in topics.sorted(by: { $0.key < $1.key }) {
            try cluster.createTopic(name, partitions: partitions)
        }
        onReady(cluster)
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    private func withCluster<R: Sendable>(_ body: (OpaquePointer) throws(KafkaError) -> R) throws(KafkaError) -> R {
        // Holding the lock keeps close() from destroying the cluster mid-call.
        try cluster.withLock { mc throws(KafkaError) in
            guard let mc else { throw KafkaError(code: .destroyed, message: "mock cluster is closed") }
            return try body(mc.pointer)
        }
    }

    /// The native cluster handle; only used under the lock.
    private struct NativeCluster: @unchecked Sendable {
        let pointer: OpaquePointer
    }
}
