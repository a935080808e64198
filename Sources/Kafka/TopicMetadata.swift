/// Cluster metadata for one topic, from `KafkaAdmin.metadata`.
public struct TopicMetadata: Hashable, Sendable {
    public var name: String
    public var partitions: [PartitionMetadata]
    public var error: KafkaError?

    public var partitionCount: Int { partitions.count }
}

/// Metadata for one partition: leader, replicas, in-sync replicas (broker ids).
public struct PartitionMetadata: Hashable, Sendable {
    public var id: Int32
    public var leader: Int32
    public var replicas: [Int32]
    public var inSyncReplicas: [Int32]
    public var error: KafkaError?
}

/// A broker from cluster metadata.
public struct BrokerMetadata: Hashable, Sendable {
    public var id: Int32
    public var host: String
    public var port: Int32
}

/// Low (first available) and high (next to be written) offsets of a partition.
public struct WatermarkOffsets: Hashable, Sendable {
    public var low: Int64
    public var high: Int64

    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }

    /// Number of messages currently retained.
    public var count: Int64 { high - low }
}
