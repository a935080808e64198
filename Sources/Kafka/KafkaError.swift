import CRdKafka

/// A librdkafka error code (`rd_kafka_resp_err_t`) as a typed Swift value.
///
/// Negative codes are client-local (`RD_KAFKA_RESP_ERR__*`), positive codes come from the
/// broker protocol. `name` and `description` come from librdkafka itself.
public struct KafkaErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    init(_ err: rd_kafka_resp_err_t) { self.rawValue = err.rawValue }
    var native: rd_kafka_resp_err_t { rd_kafka_resp_err_t(rawValue: rawValue) }

    /// Symbolic name, e.g. `_QUEUE_FULL` or `NOT_LEADER_FOR_PARTITION`.
    public var name: String { String(cString: rd_kafka_err2name(native)) }
    /// Human readable text from librdkafka.
    public var description: String { String(cString: rd_kafka_err2str(native)) }

    public static let noError = KafkaErrorCode(RD_KAFKA_RESP_ERR_NO_ERROR)
    public static let destroyed = KafkaErrorCode(RD_KAFKA_RESP_ERR__DESTROY)
    public static let transport = KafkaErrorCode(RD_KAFKA_RESP_ERR__TRANSPORT)
    public static let messageTimedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
    public static let partitionEOF = KafkaErrorCode(RD_KAFKA_RESP_ERR__PARTITION_EOF)
    public static let unknownPartition = KafkaErrorCode(RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION)
    public static let unknownTopic = KafkaErrorCode(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
    public static let allBrokersDown = KafkaErrorCode(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
    public static let invalidArgument = KafkaErrorCode(RD_KAFKA_RESP_ERR__INVALID_ARG)
    public static let timedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR__TIMED_OUT)
    public static let queueFull = KafkaErrorCode(RD_KAFKA_RESP_ERR__QUEUE_FULL)
    public static let state = KafkaErrorCode(RD_KAFKA_RESP_ERR__STATE)
    public static let noEntry = KafkaErrorCode(RD_KAFKA_RESP_ERR__NOENT)
    public static let fatal = KafkaErrorCode(RD_KAFKA_RESP_ERR__FATAL)
    public static let purgeQueue = KafkaErrorCode(RD_KAFKA_RESP_ERR__PURGE_QUEUE)
    public static let purgeInflight = KafkaErrorCode(RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
    public static let unsupportedFeature = KafkaErrorCode(RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE)
    public static let badMessage = KafkaErrorCode(RD_KAFKA_RESP_ERR__BAD_MSG)
    public static let badCompression = KafkaErrorCode(RD_KAFKA_RESP_ERR__BAD_COMPRESSION)
    public static let autoOffsetReset = KafkaErrorCode(RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET)
    public static let msgSizeTooLarge = KafkaErrorCode(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
    public static let invalidTopic = KafkaErrorCode(RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION)
    public static let recordListTooLarge = KafkaErrorCode(RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE)
    public static let topicAuthorizationFailed = KafkaErrorCode(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
    public static let clusterAuthorizationFailed = KafkaErrorCode(RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED)
    public static let invalidTimestamp = KafkaErrorCode(RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP)
    public static let invalidRecord = KafkaErrorCode(RD_KAFKA_RESP_ERR_INVALID_RECORD)
    public static let offsetOutOfRange = KafkaErrorCode(RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE)
    public static let unknownTopicOrPartition = KafkaErrorCode(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    public static let leaderNotAvailable = KafkaErrorCode(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
    public static let notLeaderForPartition = KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
    public static let requestTimedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
    public static let notEnoughReplicas = KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)
    public static let notEnoughReplicasAfterAppend = KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND)
    public static let rebalanceInProgress = KafkaErrorCode(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
    public static let illegalGeneration = KafkaErrorCode(RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION)
    public static let unknownMemberId = KafkaErrorCode(RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID)
    public static let topicAlreadyExists = KafkaErrorCode(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    public static let unsupportedVersion = KafkaErrorCode(RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION)
}

/// An error raised by librdkafka or by this wrapper: the librdkafka error code, its
/// symbolic name, a message, and whatever context was known (config key, topic, partition).
public struct KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: KafkaErrorCode
    public var message: String
    /// Configuration key, set for configuration errors.
    public var key: String?
    public var topic: String?
    public var partition: Int32?
    /// librdkafka's fatal flag (idempotent producer / consumer fencing): the handle is unusable.
    public var isFatal: Bool
    /// librdkafka's retriable flag where known.
    public var isRetriable: Bool

    public init(
        code: KafkaErrorCode, message: String? = nil, key: String? = nil,
        topic: String? = nil, partition: Int32? = nil, isFatal: Bool = false, isRetriable: Bool = false
    ) {
        self.code = code
        self.message = message ?? code.description
        self.key = key
        self.topic = topic
        self.partition = partition
        self.isFatal = isFatal
        self.isRetriable = isRetriable
    }

    /// Symbolic librdkafka name of `code`.
    public var name: String { code.name }

    public var description: String {
        var s = "KafkaError(\(name) [\(code.rawValue)]: \(message)"
        if let key { s += ", key=\(key)" }
        if let topic { s += ", topic=\(topic)" }
        if let partition { s += ", partition=\(partition)" }
        if isFatal { s += ", fatal" }
        return s + ")"
    }

    init(_ err: rd_kafka_resp_err_t, message: String? = nil, topic: String? = nil, partition: Int32? = nil) {
        self.init(code: KafkaErrorCode(err), message: message, topic: topic, partition: partition)
    }

    /// Wraps and destroys an owned `rd_kafka_error_t`.
    init(consuming error: OpaquePointer, topic: String? = nil, partition: Int32? = nil) {
        defer { rd_kafka_error_destroy(error) }
        self.init(
            code: KafkaErrorCode(rd_kafka_error_code(error)),
            message: String(cString: rd_kafka_error_string(error)),
            topic: topic, partition: partition,
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            isRetriable: rd_kafka_error_is_retriable(error) != 0)
    }

    /// Throws if `err` is not `NO_ERROR`.
    static func check(
        _ err: rd_kafka_resp_err_t, _ message: @autoclosure () -> String? = nil,
        topic: String? = nil, partition: Int32? = nil
    ) throws(KafkaError) {
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(err, message: message(), topic: topic, partition: partition)
        }
    }

    /// Throws (and destroys) an owned `rd_kafka_error_t` if non-nil.
    static func check(consuming error: OpaquePointer?) throws(KafkaError) {
        if let error { throw KafkaError(consuming: error) }
    }
}
