import Kafka

/// One record to produce, with what it means for bookkeeping: the input it answers (its
/// tracker ticket and the record itself, from which a dead letter can be made if the output
/// is rejected) and whether it is a result or a dead letter.
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
    /// Why a dead letter was made (nil for a result).
    var rejection: InputRejection?
    /// Parts of the input a dead letter no longer carries (the broker rejected it with them).
    var dropped: Set<InputPart> = []
    var source: KafkaMessage
    var ticket: AckTicket?
    var receivedNanos: UInt64

    /// Bytes this output keeps in memory until it is acknowledged: its input plus, for a
    /// result, the encoded value (a dead letter shares the input's buffers).
    var heldBytes: Int {
        let input = (source.key?.count ?? 0) + (source.value?.count ?? 0) + source.headers.reduce(0) { $0 + $1.key.utf8.count + ($1.value?.count ?? 0) }
        return input + (kind == .result ? (value?.count ?? 0) : 0)
    }
}

/// The parts of an input record that a dead letter forwards.
enum InputPart: Sendable, Hashable, CaseIterable {
    case key, value, headers
}
