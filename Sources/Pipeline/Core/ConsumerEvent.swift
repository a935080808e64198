import Kafka

/// What an error event from the consumer means for the partition it names.
enum ConsumerEvent: Sendable, Equatable {
    /// Everything up to the high watermark was read (`enable.partition.eof`).
    case endOfPartition
    /// The record (batch) at the event's offset cannot be read: corrupt or undecodable.
    /// librdkafka reports it and, where it can, goes on with the next batch.
    case unreadableRecord
    /// The fetch position is no longer on the broker (deleted by retention or truncated), with
    /// `auto.offset.reset=error`.
    case offsetReset
    /// The topic or partition is gone or not readable.
    case partitionGone
    /// Anything else (librdkafka retries it by itself).
    case other

    init(_ error: KafkaError, offset: Int64) {
        switch error.code {
        case .partitionEOF: self = .endOfPartition
        case .badMessage, .badCompression, .msgSizeTooLarge: self = offset >= 0 ? .unreadableRecord : .other
        case .autoOffsetReset, .offsetOutOfRange: self = .offsetReset
        case .unknownTopicOrPartition, .unknownTopic, .unknownPartition, .topicAuthorizationFailed: self = .partitionGone
        default: self = .other
        }
    }
}

/// What happened to an unreadable record (`fastbert_unreadable_records_total{action}`).
enum UnreadableRecordAction: String, Sendable, CaseIterable {
    /// Its partition was stopped at it (the default).
    case stopped
    /// It was stepped over (`--skip-unreadable-records`).
    case skipped
}

/// Moves a consumer past unreadable records when skipping is allowed. librdkafka reports a
/// corrupt batch at its base offset and then either goes on with the next batch or, when the
/// broker answered with that batch alone (librdkafka's mock always does), fetches the same
/// batch again. Seeking one offset further each time the error repeats gets past the batch in
/// both cases without knowing its length.
struct RecordSkipper {
    private var cursors: [TopicPartition: Int64] = [:]

    /// The offset to seek to after an unreadable record at `offset`, and whether this is a new
    /// unreadable record (rather than the same batch again).
    mutating func skip(_ tp: TopicPartition, at offset: Int64) -> (seekTo: Int64, isNew: Bool) {
        if let cursor = cursors[tp], cursor >= offset {
            cursors[tp] = cursor + 1
            return (cursor + 1, false)
        }
        cursors[tp] = offset + 1
        return (offset + 1, true)
    }

    /// A record of `tp` was read: once past the skipped batch, forget it.
    mutating func read(_ tp: TopicPartition, offset: Int64) {
        if let cursor = cursors[tp], offset >= cursor { cursors[tp] = nil }
    }

    mutating func forget(_ partitions: [TopicPartition]) {
        for tp in partitions { cursors[tp] = nil }
    }
}
