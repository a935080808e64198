/// A topic name and partition number.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// A topic/partition with an offset. In commits the offset is the *next* offset to read
/// (last processed + 1), as in Kafka. `error` is set on per-partition results from librdkafka.
public struct TopicPartitionOffset: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var error: KafkaError?

    public init(topic: String, partition: Int32, offset: Int64, error: KafkaError? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.error = error
    }

    public init(_ tp: TopicPartition, offset: Int64) {
        self.init(topic: tp.topic, partition: tp.partition, offset: offset)
    }

    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    public var description: String {
        "\(topic)[\(partition)]@\(KafkaOffset.describe(offset))" + (error.map { " \($0.name)" } ?? "")
    }
}

/// librdkafka's logical offsets (`RD_KAFKA_OFFSET_*`).
public enum KafkaOffset {
    /// Start from the oldest available message.
    public static let beginning: Int64 = -2
    /// Start after the newest message (only new messages).
    public static let end: Int64 = -1
    /// Start from the group's committed offset (falls back to `auto.offset.reset`).
    public static let stored: Int64 = -1000
    /// No offset / unknown (e.g. nothing committed).
    public static let invalid: Int64 = -1001

    /// `tail(n)`: `n` messages before the end.
    public static func tail(_ n: Int64) -> Int64 { -2000 - n }

    static func describe(_ offset: Int64) -> String {
        switch offset {
        case beginning: "BEGINNING"
        case end: "END"
        case stored: "STORED"
        case invalid: "INVALID"
        default: String(offset)
        }
    }
}
