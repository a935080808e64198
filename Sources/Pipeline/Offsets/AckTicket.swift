import Kafka

/// Identifies one consumed offset for the offset tracker. `epoch` is the assignment
/// generation of its partition: acknowledgements from a previous assignment are ignored.
public struct AckTicket: Hashable, Sendable {
    public var partition: TopicPartition
    public var offset: Int64
    public var epoch: UInt64
}
