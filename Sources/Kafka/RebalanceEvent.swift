/// A consumer-group rebalance, reported to the handler given to `KafkaConsumer.subscribe`.
///
/// Delivered synchronously on the thread calling `KafkaConsumer.poll` (or `close`) *before*
/// the assignment change is applied, so a `.revoked` handler can still commit offsets for
/// the partitions it is losing. With the default (eager) protocol `.revoked` lists the whole
/// previous assignment and `.assigned` the whole new one; with `cooperative-sticky` only the
/// incremental change is listed.
public enum RebalanceEvent: Hashable, Sendable {
    case assigned([TopicPartition])
    /// `lost == true` means the partitions were lost (session timeout / fencing): committing
    /// them will fail and another member may already own them.
    case revoked([TopicPartition], lost: Bool)
    /// The group protocol reported an error; the assignment was cleared.
    case error(KafkaError)
}
