/// One record header. Kafka allows duplicate keys and null values; order is preserved.
public struct KafkaHeader: Hashable, Sendable {
    public var key: String
    public var value: [UInt8]?

    public init(_ key: String, _ value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    public init(_ key: String, _ string: String) {
        self.init(key, Array(string.utf8))
    }
}

/// A consumed record (or a consumer-level event when `error` is set), copied out of
/// librdkafka so it is an independent `Sendable` value.
public struct KafkaMessage: Hashable, Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [KafkaHeader]
    /// Milliseconds since the epoch, or -1 if unavailable.
    public var timestampMs: Int64
    /// Set for error events, e.g. `.partitionEOF` (if `enable.partition.eof=true`) or broker
    /// errors. When set, key/value/headers are usually empty and offset may be meaningless.
    public var error: KafkaError?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]? = nil, value: [UInt8]? = nil,
        headers: [KafkaHeader] = [], timestampMs: Int64 = -1, error: KafkaError? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMs = timestampMs
        self.error = error
    }

    /// First header with `key`, if any.
    public func header(_ key: String) -> KafkaHeader? { headers.first { $0.key == key } }

    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }
}
