/// Outcome of one `KafkaProducer.send`, delivered to the producer's delivery handler on the
/// producer's poll thread. `context` is the caller's token from `send`.
public struct DeliveryReport: Hashable, Sendable {
    /// The opaque token passed to `send(...context:)`.
    public var context: UInt64
    public var topic: String
    public var partition: Int32
    /// Offset assigned by the broker, or -1 if unknown / failed.
    public var offset: Int64
    public var timestampMs: Int64
    /// nil on success. On failure the message was NOT stored (after librdkafka's retries),
    /// unless `status == .possiblyPersisted`.
    public var error: KafkaError?
    public var status: Status

    /// librdkafka's persistence status (`rd_kafka_msg_status_t`).
    public enum Status: Int32, Sendable {
        case notPersisted = 0
        case possiblyPersisted = 1
        case persisted = 2
    }

    public init(
        context: UInt64, topic: String, partition: Int32, offset: Int64, timestampMs: Int64 = -1,
        error: KafkaError? = nil, status: Status = .persisted
    ) {
        self.context = context
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMs = timestampMs
        self.error = error
        self.status = status
    }

    public var isSuccess: Bool { error == nil }
}
