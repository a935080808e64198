import Kafka

/// One valid input on its way to the engine: the consumed record, its tokens, its tracker
/// ticket (nil for untracked re-deliveries) and when the pipeline received it.
struct WorkItem: Sendable {
    var message: KafkaMessage
    var ticket: AckTicket?
    var tokens: [Int32]
    var receivedNanos: UInt64
    /// The record's `fastbert-speed` header, which overrides the exit in force.
    var headerSpeed: Float? = nil

    var heldBytes: Int { (message.key?.count ?? 0) + (message.value?.count ?? 0) }
}
