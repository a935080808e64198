import Kafka

/// Header names added to dead letters (and error outputs): the reason plus the source
/// coordinates, so a dead letter can be traced and replayed. schemas/dead-letter.schema.json
/// describes them as a JSON object keyed by these names.
public enum DeadLetterHeaders {
    public static let reason = "fastbert.error.reason"
    public static let message = "fastbert.error.message"
    public static let sourceTopic = "fastbert.source.topic"
    public static let sourcePartition = "fastbert.source.partition"
    public static let sourceOffset = "fastbert.source.offset"
    public static let sourceTimestamp = "fastbert.source.timestamp_ms"
    public static let modelId = "fastbert.model.id"
    /// Present (value "true") when the broker refused the dead letter with the original value,
    /// key or headers, and they were dropped.
    public static let valueDropped = "fastbert.error.value_dropped"
    public static let keyDropped = "fastbert.error.key_dropped"
    public static let headersDropped = "fastbert.error.headers_dropped"

    static func dropped(_ part: InputPart) -> KafkaHeader {
        switch part {
        case .key: KafkaHeader(keyDropped, "true")
        case .value: KafkaHeader(valueDropped, "true")
        case .headers: KafkaHeader(headersDropped, "true")
        }
    }

    static func make(for message: KafkaMessage, rejection: InputRejection, modelId: String) -> [KafkaHeader] {
        [
            KafkaHeader(reason, rejection.reason.rawValue),
            KafkaHeader(self.message, rejection.detail),
            KafkaHeader(sourceTopic, message.topic),
            KafkaHeader(sourcePartition, String(message.partition)),
            KafkaHeader(sourceOffset, String(message.offset)),
            KafkaHeader(sourceTimestamp, String(message.timestampMs)),
            KafkaHeader(self.modelId, modelId),
        ]
    }
}
