import Kafka

/// One record to produce, with what it means for bookkeeping: the input it answers (its
/// tracker ticket) and whether it is a result or a dead letter.
struct OutgoingMessage: Sendable {
    enum Kind: Sendable, Hashable {
        case result
        case deadLetter(DeadLetterReason)
    }

    var topic: String
    var partition: Int32?
    var key: [UInt8]?
    var value: [UInt8]?
    var headers: [KafkaHeader]
    var kind: Kind
    var ticket: AckTicket?
    var receivedNanos: UInt64
}
