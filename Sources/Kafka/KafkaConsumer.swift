import CRdKafka
import Foundation
import Logging

/// A Kafka consumer with manual offset management (defaults `enable.auto.commit=false`,
/// `enable.auto.offset.store=false`; callers may override).
///
/// Two modes:
/// - **Group mode**: `subscribe(topics:onRebalance:)` with `group.id` set. Rebalance events
///   reach the handler synchronously on the thread calling `poll` (or `close`): `.assigned`
///   after the new assignment is applied, `.revoked` *before* it is removed, so the handler
///   can commit. librdkafka's default assignors (`range,roundrobin`) use the **eager**
///   protocol (every rebalance revokes everything); setting
///   `partition.assignment.strategy=cooperative-sticky` switches to incremental events,
///   which this class handles too.
/// - **Direct mode**: `assign(_:)` explicit partitions and start offsets; no group
///   membership. Without a `group.id`, `commit` throws (a private group id is used internally
///   only because librdkafka needs one to poll).
///
/// Thread model: `poll` should be called from one thread at a time; `commit`, `committed`,
/// `position`, `pause`/`resume`, and queries are safe from any thread (also from inside the
/// rebalance handler). The native handle is destroyed when the last reference goes away.
public final class KafkaConsumer: @unchecked Sendable {
    private let handle: KafkaHandle
    private let logger: Logger
    private let hasGroup: Bool
    private let closed = Locked(false)
    private let subscribed = Locked(false)

    /// - Parameters:
    ///   - config: librdkafka properties (`bootstrap.servers`, `group.id` for group mode, ...).
    ///   - onError: client-level errors; called on the thread calling `poll`.
    ///   - onCommit: result of every commit (sync and async) once it completes; called on the
    ///     thread calling `poll`. Failures are also logged.
    public init(
        config: KafkaConfig,
        logger: Logger = Logger(label: "kafka.consumer"),
        onError: (@Sendable (KafkaError) -> Void)? = nil,
        onCommit: (@Sendable ([TopicPartitionOffset], KafkaError?) -> Void)? = nil
    ) throws(KafkaError) {
        hasGroup = config["group.id"] != nil
        var config = config
            .withDefault("enable.auto.commit", "false")
            .withDefault("enable.auto.offset.store", "false")
        if !hasGroup {
            config["group.id"] = "fastbert-direct-\(UUID().uuidString)"
        }
        // librdkafka picks the cooperative protocol only when every configured assignor supports it.
        let assignors = (config["partition.assignment.strategy"] ?? "range,roundrobin")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let cooperative = !assignors.isEmpty && assignors.allSatisfy { $0 == "cooperative-sticky" }
        let context = CallbackContext(logger: logger, onError: onError, onCommit: onCommit, cooperativeRebalance: cooperative)
        handle = try KafkaHandle(type: RD_KAFKA_CONSUMER, config: config, context: context) { conf in
            rd_kafka_conf_set_rebalance_cb(conf, rebalanceCallback)
            rd_kafka_conf_set_offset_commit_cb(conf, offsetCommitCallback)
        }
        self.logger = logger
        // Serve error/log/commit events from consumer poll too (single queue).
        rd_kafka_poll_set_consumer(handle.rk)
    }

    /// librdkafka's client instance name.
    public var name: String { handle.name }

    /// Group mode: subscribes to `topics` (names, or regexes starting with `^`).
    /// `onRebalance` replaces any previous handler. See the type documentation for ordering.
    /// The handler may capture this consumer (e.g. to commit on `.revoked`); `close()` releases
    /// the handler, breaking that reference cycle.
    public func subscribe(
        topics: [String], onRebalance: (@Sendable (RebalanceEvent) -> Void)? = nil
    ) throws(KafkaError) {
        guard hasGroup else {
            throw KafkaError(code: .invalidArgument, message: "subscribe requires group.id", key: "group.id")
        }
        handle.context.rebalanceHandler = onRebalance
        try PartitionList.withNativeList(topics.map { TopicPartition(topic: $0, partition: -1) }) { list throws(KafkaError) in
            try KafkaError.check(rd_kafka_subscribe(handle.rk, list), "subscribe failed")
        }
        subscribed.withLock { $0 = true }
    }

    /// Leaves the subscription (revokes the assignment via the rebalance handler on next poll).
    public func unsubscribe() throws(KafkaError) {
        try KafkaError.check(rd_kafka_unsubscribe(handle.rk), "unsubscribe failed")
    }

    /// Direct mode: consume exactly these partitions starting at each `offset` (absolute, or
    /// `KafkaOffset.beginning` / `.end` / `.stored` / `.tail(n)`). Replaces the assignment;
    /// an empty array clears it.
    public func assign(_ partitions: [TopicPartitionOffset]) throws(KafkaError) {
        if partitions.isEmpty {
            try KafkaError.check(rd_kafka_assign(handle.rk, nil), "unassign failed")
            return
        }
        try PartitionList.withNativeList(partitions) { list throws(KafkaError) in
            try KafkaError.check(rd_kafka_assign(handle.rk, list), "assign failed")
        }
    }

    /// The current assignment.
    public func assignment() throws(KafkaError) -> [TopicPartition] {
        var list: NativePartitionList?
        try KafkaError.check(rd_kafka_assignment(handle.rk, &list), "assignment query failed")
        return PartitionList.readAndDestroy(list).map(\.topicPartition)
    }

    /// Waits up to `timeout` for the next message or event. Returns nil on timeout or after
    /// `close`. Error events (e.g. `.partitionEOF` when `enable.partition.eof=true`, broker
    /// errors) come back as messages with `error` set. Rebalance, error and commit handlers
    /// run inside this call.
    public func poll(timeout: Duration) -> KafkaMessage? {
        if closed.current { return nil }
        guard let message = rd_kafka_consumer_poll(handle.rk, timeout.kafkaMilliseconds) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        return KafkaMessage(copying: message)
    }

    /// Commits `offsets` (each the *next* offset to read, i.e. last processed + 1) for the
    /// group. `synchronous: true` waits for the broker and throws on failure, including the
    /// first per-partition failure; `false` returns immediately (result to `onCommit`).
    public func commit(offsets: [TopicPartitionOffset], synchronous: Bool) throws(KafkaError) {
        guard hasGroup else {
            throw KafkaError(code: .invalidArgument, message: "commit requires group.id", key: "group.id")
        }
        guard !offsets.isEmpty else { return }
        try PartitionList.withNativeList(offsets) { list throws(KafkaError) in
            let err = rd_kafka_commit(handle.rk, list, synchronous ? 0 : 1)
            if err == RD_KAFKA_RESP_ERR__NO_OFFSET { return }
            try KafkaError.check(err, "commit failed")
            if synchronous, let failed = PartitionList.read(list).first(where: { $0.error != nil }), let error = failed.error {
                throw error
            }
        }
    }

    /// Committed offsets of the group for `partitions` (`KafkaOffset.invalid` where none).
    public func committed(_ partitions: [TopicPartition], timeout: Duration) throws(KafkaError) -> [TopicPartitionOffset] {
        try PartitionList.withNativeList(partitions) { list throws(KafkaError) in
            try KafkaError.check(rd_kafka_committed(handle.rk, list, timeout.kafkaMilliseconds), "committed query failed")
            return PartitionList.read(list)
        }
    }

    /// Next offset this consumer will fetch per partition (last consumed + 1; `invalid` if none yet).
    public func position(_ partitions: [TopicPartition]) throws(KafkaError) -> [TopicPartitionOffset] {
        try PartitionList.withNativeList(partitions) { list throws(KafkaError) in
            try KafkaError.check(rd_kafka_position(handle.rk, list), "position query failed")
            return PartitionList.read(list)
        }
    }

    /// Moves the fetch position of assigned partitions. Messages already prefetched are dropped.
    public func seek(_ offsets: [TopicPartitionOffset], timeout: Duration) throws(KafkaError) {
        try PartitionList.withNativeList(offsets) { list throws(KafkaError) in
            try KafkaError.check(consuming: rd_kafka_seek_partitions(handle.rk, list, timeout.kafkaMilliseconds))
            if let failed = PartitionList.read(list).first(where: { $0.error != nil }), let error = failed.error {
                throw error
            }
        }
    }

    /// Stops fetching from `partitions` (they stay assigned).
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        try PartitionList.withNativeList(partitions) { list throws(KafkaError) in
            try KafkaError.check(rd_kafka_pause_partitions(handle.rk, list), "pause failed")
        }
    }

    /// Resumes fetching from paused `partitions`.
    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        try PartitionList.withNativeList(partitions) { list throws(KafkaError) in
            try KafkaError.check(rd_kafka_resume_partitions(handle.rk, list), "resume failed")
        }
    }

    /// Low/high watermarks from the partition leader.
    public func watermarks(topic: String, partition: Int32, timeout: Duration) throws(KafkaError) -> WatermarkOffsets {
        try handle.watermarks(topic: topic, partition: partition, timeout: timeout)
    }

    /// Metadata for one topic (e.g. its partition count).
    public func metadata(topic: String, timeout: Duration) throws(KafkaError) -> TopicMetadata {
        guard let md = try handle.metadata(topic: topic, timeout: timeout).topics.first else {
            throw KafkaError(code: .unknownTopic, topic: topic)
        }
        return md
    }

    /// Offsets for timestamps (see `KafkaAdmin.offsetsForTimes`).
    public func offsetsForTimes(_ query: [TopicPartitionOffset], timeout: Duration) throws(KafkaError) -> [TopicPartitionOffset] {
        try handle.offsetsForTimes(query, timeout: timeout)
    }

    /// Leaves the group cleanly: the rebalance handler receives `.revoked` (on this thread)
    /// and may commit, then the member leaves and fetching stops. Idempotent; `poll` returns
    /// nil afterwards. Must not race with a `poll` in progress on another thread.
    ///
    /// In group mode the assignment is first given up through `unsubscribe` and polls, and only
    /// then is the group closed. librdkafka before 2.9 (Debian ships 2.0.2) purges its main
    /// queue when the group terminates, destroying any request still queued there, so an
    /// unassign issued from a rebalance callback *inside* `rd_kafka_consumer_close` can wait
    /// forever (librdkafka #4970). With nothing left to revoke, close needs no such call.
    public func close() throws(KafkaError) {
        let alreadyClosed = closed.withLock { c -> Bool in
            defer { c = true }
            return c
        }
        if alreadyClosed { return }
        if subscribed.current { releaseAssignment(timeout: .seconds(10)) }
        let err = rd_kafka_consumer_close(handle.rk)
        // Drop the handler: it may capture this consumer (to commit), which would be a cycle.
        handle.context.rebalanceHandler = nil
        try KafkaError.check(err, "consumer close failed")
    }

    /// Keeps the native handle alive until the process exits instead of destroying it with the
    /// last reference (call after `close`). librdkafka before 2.1.0 cannot destroy a consumer
    /// whose assigned topic was deleted: `rd_kafka_destroy` waits forever for a partition
    /// reference that is never released (fixed by librdkafka #4187).
    public func abandonHandle() {
        Self.abandoned.withLock { $0.append(handle) }
    }

    private static let abandoned = Locked<[KafkaHandle]>([])

    /// Pauses fetching, unsubscribes and polls until the revocation has run and the assignment
    /// is empty, then a little longer so that events already queued are served too. Bounded by
    /// `timeout`. Pausing first means no further messages are handed out (librdkafka drops
    /// those fetched before the pause); any that still arrive are discarded unprocessed.
    private func releaseAssignment(timeout: Duration) {
        if let current = try? assignment(), !current.isEmpty { try? pause(current) }
        guard rd_kafka_unsubscribe(handle.rk) == RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var quietPolls = 0
        while quietPolls < 3, clock.now < deadline {
            if let message = rd_kafka_consumer_poll(handle.rk, 50) { rd_kafka_message_destroy(message) }
            let empty = ((try? assignment()) ?? []).isEmpty
            quietPolls = empty ? quietPolls + 1 : 0
        }
    }
}

extension KafkaMessage {
    /// Copies a native message (does not destroy it).
    init(copying message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let m = message.pointee
        let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        if m.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let text = rd_kafka_message_errstr(message).map { String(cString: $0) }
            self.init(topic: topic, partition: m.partition, offset: m.offset,
                      error: KafkaError(code: KafkaErrorCode(m.err), message: text,
                                        topic: topic.isEmpty ? nil : topic, partition: m.partition))
            return
        }
        var tsType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &tsType)
        let key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        let value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) }
        var headers: [KafkaHeader] = []
        var hdrs: OpaquePointer?
        if rd_kafka_message_headers(message, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs {
            var index = 0
            var name: UnsafePointer<CChar>?
            var val: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(hdrs, index, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let v = val.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
                headers.append(KafkaHeader(name.map { String(cString: $0) } ?? "", v))
                index += 1
            }
        }
        self.init(topic: topic, partition: m.partition, offset: m.offset, key: key, value: value,
                  headers: headers, timestampMs: timestamp)
    }
}

/// `rebalance_cb`: runs inside `rd_kafka_consumer_poll` / `rd_kafka_consumer_close`.
private let rebalanceCallback: @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, NativePartitionList?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, partitions, opaque in
    guard let rk, let ctx = CallbackContext.from(opaque) else { return }
    let handler = ctx.rebalanceHandler
    let parts = PartitionList.read(partitions).map(\.topicPartition)
    let cooperative = ctx.cooperativeRebalance

    func apply(_ result: rd_kafka_resp_err_t, _ what: String) {
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            ctx.logger.error("rebalance: \(what) failed: \(KafkaError(result))")
        }
    }
    func apply(_ error: OpaquePointer?, _ what: String) {
        if let error { ctx.logger.error("rebalance: \(what) failed: \(KafkaError(consuming: error))") }
    }

    switch err {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        ctx.logger.info("partitions assigned: \(parts)")
        if cooperative {
            apply(rd_kafka_incremental_assign(rk, partitions), "incremental assign")
        } else {
            apply(rd_kafka_assign(rk, partitions), "assign")
        }
        handler?(.assigned(parts))
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        let lost = rd_kafka_assignment_lost(rk) != 0
        ctx.logger.info("partitions revoked: \(parts)\(lost ? " (lost)" : "")")
        handler?(.revoked(parts, lost: lost))  // before unassign: the handler may still commit
        if cooperative {
            apply(rd_kafka_incremental_unassign(rk, partitions), "incremental unassign")
        } else {
            apply(rd_kafka_assign(rk, nil), "unassign")
        }
    default:
        let error = KafkaError(err, message: "rebalance error")
        ctx.logger.error("\(error)")
        apply(rd_kafka_assign(rk, nil), "unassign")
        handler?(.error(error))
    }
}

/// `offset_commit_cb`: runs inside `rd_kafka_consumer_poll`.
private let offsetCommitCallback: @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, NativePartitionList?, UnsafeMutableRawPointer?) -> Void = {
    _, err, offsets, opaque in
    guard let ctx = CallbackContext.from(opaque) else { return }
    let list = PartitionList.read(offsets)
    // _NO_OFFSET: nothing to commit; not an error.
    let error: KafkaError? = err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET
        ? (list.first { $0.error != nil }?.error) : KafkaError(err, message: "offset commit failed")
    if let error { ctx.logger.warning("offset commit failed: \(error)") }
    ctx.onCommit?(list, error)
}
