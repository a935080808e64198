import Kafka

/// What a failed send or delivery means for the record, and so what the publisher does
/// (docs/pipeline.md, "When an output cannot be written").
enum ProduceFailure: String, Sendable, CaseIterable {
    /// Worth retrying as is (broker or network trouble, timeouts, leader changes): resent with
    /// backoff while its source partition is paused.
    case transient
    /// The broker will never take this record (too large, invalid): it is replaced by a dead
    /// letter, and a dead letter by one without its largest part.
    case recordRejected = "record"
    /// The topic is missing or not writable: nothing for it can be written until an operator
    /// acts. Its source partition stalls (paused, unready, nothing committed past it) while the
    /// record is retried at the longest backoff.
    case destinationUnusable = "destination"

    init(_ error: KafkaError) {
        switch error.code {
        case .msgSizeTooLarge, .recordListTooLarge, .invalidRecord, .invalidTimestamp:
            self = .recordRejected
        case .topicAuthorizationFailed, .clusterAuthorizationFailed, .unknownTopicOrPartition, .unknownTopic,
             .unknownPartition, .invalidTopic:
            self = .destinationUnusable
        default:
            self = .transient
        }
    }
}
