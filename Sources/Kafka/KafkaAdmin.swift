import CRdKafka
import Logging

/// Cluster administration and queries: create topics, topic metadata, watermarks,
/// offsets-for-times. Uses its own lightweight client handle; all calls are synchronous
/// (blocking up to `timeout`) and safe from any thread.
///
/// Note: librdkafka 2.0.2's mock cluster does not implement CreateTopics; use
/// `MockCluster.createTopic` there.
public final class KafkaAdmin: @unchecked Sendable {
    private let handle: KafkaHandle

    /// A topic to create.
    public struct NewTopic: Hashable, Sendable {
        public var name: String
        public var partitions: Int32
        /// -1 uses the broker default.
        public var replicationFactor: Int32
        /// Topic-level configs, e.g. `("retention.ms", "86400000")`.
        public var config: [String: String]

        public init(name: String, partitions: Int32, replicationFactor: Int32 = -1, config: [String: String] = [:]) {
            self.name = name
            self.partitions = partitions
            self.replicationFactor = replicationFactor
            self.config = config
        }
    }

    public init(config: KafkaConfig, logger: Logger = Logger(label: "kafka.admin")) throws(KafkaError) {
        // No error callback: nothing polls this handle's main queue, so librdkafka logs errors instead.
        handle = try KafkaHandle(
            type: RD_KAFKA_PRODUCER, config: config, context: CallbackContext(logger: logger),
            installErrorCallback: false)
    }

    /// Creates topics and waits for the result. Throws the first per-topic error;
    /// `TOPIC_ALREADY_EXISTS` is ignored when `ignoreExisting` is true.
    public func createTopics(_ topics: [NewTopic], timeout: Duration = .seconds(30), ignoreExisting: Bool = true) throws(KafkaError) {
        guard !topics.isEmpty else { return }
        var errstr = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for t in newTopics { rd_kafka_NewTopic_destroy(t) } }
        for t in topics {
            guard let nt = rd_kafka_NewTopic_new(t.name, t.partitions, t.replicationFactor, &errstr, errstr.count) else {
                throw KafkaError(code: .invalidArgument, message: String(cBuffer: errstr), topic: t.name)
            }
            newTopics.append(nt)
            for (k, v) in t.config.sorted(by: { $0.key < $1.key }) {
                let err = rd_kafka_NewTopic_set_config(nt, k, v)
                try KafkaError.check(err, "invalid topic config '\(k)'", topic: t.name)
            }
        }

        let queue = rd_kafka_queue_new(handle.rk)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(handle.rk, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        rd_kafka_AdminOptions_set_request_timeout(options, timeout.kafkaMilliseconds, &errstr, errstr.count)
        rd_kafka_AdminOptions_set_operation_timeout(options, timeout.kafkaMilliseconds, &errstr, errstr.count)

        rd_kafka_CreateTopics(handle.rk, &newTopics, newTopics.count, options, queue)
        // librdkafka enforces the request timeout itself; the extra margin only guards against a lost event.
        guard let event = rd_kafka_queue_poll(queue, (timeout + .seconds(5)).kafkaMilliseconds) else {
            throw KafkaError(code: .timedOut, message: "CreateTopics: no result")
        }
        defer { rd_kafka_event_destroy(event) }
        let err = rd_kafka_event_error(event)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(err, message: rd_kafka_event_error_string(event).map { String(cString: $0) })
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaError(code: .state, message: "CreateTopics: unexpected event type \(rd_kafka_event_type(event))")
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
        for i in 0..<count {
            guard let r = results[i] else { continue }
            let code = rd_kafka_topic_result_error(r)
            if code == RD_KAFKA_RESP_ERR_NO_ERROR { continue }
            if ignoreExisting && code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS { continue }
            throw KafkaError(code, message: rd_kafka_topic_result_error_string(r).map { String(cString: $0) },
                             topic: String(cString: rd_kafka_topic_result_name(r)))
        }
    }

    /// Brokers in the cluster.
    public func brokers(timeout: Duration = .seconds(10)) throws(KafkaError) -> [BrokerMetadata] {
        try handle.metadata(topic: nil, timeout: timeout).brokers
    }

    /// Metadata for all topics in the cluster.
    public func metadata(timeout: Duration = .seconds(10)) throws(KafkaError) -> [TopicMetadata] {
        try handle.metadata(topic: nil, timeout: timeout).topics
    }

    /// Metadata for one topic. A missing topic has `error` set (`UNKNOWN_TOPIC_OR_PART`)
    /// unless the cluster auto-creates topics.
    public func metadata(topic: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> TopicMetadata {
        guard let md = try handle.metadata(topic: topic, timeout: timeout).topics.first(where: { $0.name == topic }) else {
            throw KafkaError(code: .unknownTopic, message: "topic not in metadata", topic: topic)
        }
        return md
    }

    /// Partition count of `topic`; throws if the topic does not exist.
    public func partitionCount(topic: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> Int {
        let md = try metadata(topic: topic, timeout: timeout)
        if let error = md.error { throw error }
        return md.partitionCount
    }

    /// Low/high watermark offsets of one partition, queried from its leader.
    public func watermarks(topic: String, partition: Int32, timeout: Duration = .seconds(10)) throws(KafkaError) -> WatermarkOffsets {
        try handle.watermarks(topic: topic, partition: partition, timeout: timeout)
    }

    /// For each entry (whose `offset` holds a timestamp in ms) the earliest offset with a
    /// timestamp >= it. An offset of -1 means the broker could not answer (no such message,
    /// or a broker that does not support it: librdkafka 2.0.2's mock always returns -1).
    public func offsetsForTimes(_ query: [TopicPartitionOffset], timeout: Duration = .seconds(10)) throws(KafkaError) -> [TopicPartitionOffset] {
        try handle.offsetsForTimes(query, timeout: timeout)
    }
}
