import CRdKafka
import Logging

/// An idempotent Kafka producer (defaults `enable.idempotence=true`, `acks=all`; callers may
/// override any key).
///
/// Delivery reports: every accepted `send` produces exactly one `DeliveryReport`, passed to
/// the `onDelivery` closure given at init. That closure is called **only on the producer's
/// dedicated poll thread**, serially, in delivery order per partition. Keep it short and
/// non-blocking (hand the report to your own queue); do not call `flush`/`close` from it.
///
/// Thread model: `send`, `flush`, `close` may be called from any thread concurrently.
/// `send` blocks (sleeping with backoff) while librdkafka's local queue is full.
public final class KafkaProducer: @unchecked Sendable {
    private let handle: KafkaHandle
    private let poller: PollThread
    private let logger: Logger
    private let queueFullTimeout: Duration
    private let closed = Locked(false)

    /// - Parameters:
    ///   - config: librdkafka properties (at least `bootstrap.servers`).
    ///   - queueFullTimeout: how long `send` keeps retrying on `_QUEUE_FULL` before throwing.
    ///   - onError: client-level errors (e.g. all brokers down, fatal idempotence errors);
    ///     called on the poll thread. librdkafka keeps retrying non-fatal ones by itself.
    ///   - onDelivery: delivery report handler, called on the poll thread.
    public init(
        config: KafkaConfig,
        logger: Logger = Logger(label: "kafka.producer"),
        queueFullTimeout: Duration = .seconds(60),
        onError: (@Sendable (KafkaError) -> Void)? = nil,
        onDelivery: @escaping @Sendable (DeliveryReport) -> Void
    ) throws(KafkaError) {
        let config = config
            .withDefault("enable.idempotence", "true")
            .withDefault("acks", "all")
        let context = CallbackContext(logger: logger, onError: onError, onDelivery: onDelivery)
        handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, config: config, context: context) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf, deliveryReportCallback)
        }
        self.logger = logger
        self.queueFullTimeout = queueFullTimeout
        poller = PollThread(name: "kafka-producer-poll", handle: handle)
    }

    deinit {
        poller.stop()
    }

    /// librdkafka's client instance name (e.g. `rdkafka#producer-1`).
    public var name: String { handle.name }

    /// Messages not yet acknowledged (queued, in flight, or with an undelivered report).
    public var inFlightCount: Int { Int(rd_kafka_outq_len(handle.rk)) }

    /// The fatal error that made this producer unusable, if any.
    public var fatalError: KafkaError? { handle.fatalError }

    /// Enqueues one message. Returns once librdkafka has accepted it; the outcome arrives later
    /// as a `DeliveryReport` carrying `context`.
    ///
    /// - Parameters:
    ///   - partition: explicit partition, or nil to let the partitioner pick (by key hash).
    ///   - context: opaque caller token echoed in the delivery report.
    /// - Throws: `KafkaError` if the message is rejected (unknown topic/partition, message too
    ///   large, closed producer, fatal error, or `_QUEUE_FULL` for longer than `queueFullTimeout`).
    public func send(
        topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
        partition: Int32? = nil, context: UInt64 = 0
    ) throws(KafkaError) {
        if closed.current {
            throw KafkaError(code: .state, message: "producer is closed", topic: topic)
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: queueFullTimeout)
        var backoffMs = 1
        while true {
            guard let error = produceOnce(topic: topic, key: key, value: value, headers: headers,
                                          partition: partition, context: context) else { return }
            // _QUEUE_FULL: wait for the poll thread to drain delivery reports, then retry.
            // From the poll thread itself waiting would deadlock, so fail fast there.
            guard error.code == .queueFull, !poller.isCurrent, clock.now < deadline else { throw error }
            sleepThread(milliseconds: backoffMs)
            backoffMs = min(backoffMs * 2, 100)
        }
    }

    /// Convenience for UTF-8 string payloads.
    public func send(
        topic: String, key: String?, value: String?, headers: [KafkaHeader] = [],
        partition: Int32? = nil, context: UInt64 = 0
    ) throws(KafkaError) {
        try send(topic: topic, key: key.map { Array($0.utf8) }, value: value.map { Array($0.utf8) },
                 headers: headers, partition: partition, context: context)
    }

    /// Waits until no message is outstanding: each has been delivered or failed **and** its
    /// delivery report has been handed to `onDelivery` (reports stay on the poll thread).
    /// Concurrent `send`s keep the queue non-empty and so delay it.
    /// - Throws: `.timedOut` (with the remaining count) if that does not happen in time.
    public func flush(timeout: Duration) throws(KafkaError) {
        if poller.isCurrent {
            throw KafkaError(code: .state, message: "flush called from the delivery report thread")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var sleepMs = 1
        while true {
            let remaining = rd_kafka_outq_len(handle.rk)
            if remaining == 0 { return }
            if clock.now >= deadline {
                throw KafkaError(code: .timedOut, message: "flush timed out with \(remaining) message(s) outstanding")
            }
            sleepThread(milliseconds: sleepMs)
            sleepMs = min(sleepMs * 2, 10)
        }
    }

    /// Flushes for up to `timeout`, then stops the poll thread. Messages still outstanding
    /// after the timeout are purged: each gets a failed delivery report (`_PURGE_QUEUE` /
    /// `_PURGE_INFLIGHT`) before `close` throws `.timedOut`. Further `send`s fail.
    /// Idempotent; must not race with `send` (a message sent during close may get no report).
    /// The native handle is destroyed when the last reference goes away.
    public func close(timeout: Duration = .seconds(30)) throws(KafkaError) {
        let alreadyClosed = closed.withLock { c -> Bool in
            defer { c = true }
            return c
        }
        if alreadyClosed { return }
        var failure: KafkaError?
        do {
            try flush(timeout: timeout)
        } catch {
            failure = error
            let purgeQueue: Int32 = 0x1, purgeInflight: Int32 = 0x2  // RD_KAFKA_PURGE_F_*
            rd_kafka_purge(handle.rk, purgeQueue | purgeInflight)
            try? flush(timeout: .seconds(5))  // deliver the purge reports
            logger.warning("producer closed with undelivered messages", metadata: ["error": "\(error)"])
        }
        poller.stop()
        if let failure { throw failure }
    }

    /// One `rd_kafka_produceva` attempt; nil on success.
    private func produceOnce(
        topic: String, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader],
        partition: Int32?, context: UInt64
    ) -> KafkaError? {
        // Headers are copied into an rd_kafka_headers_t; ownership passes to librdkafka on success.
        var nativeHeaders: OpaquePointer?
        if !headers.isEmpty {
            let hdrs = rd_kafka_headers_new(headers.count)!
            for h in headers {
                let err = withOptionalBytes(h.value) { ptr, len in
                    rd_kafka_header_add(hdrs, h.key, -1, ptr, len)
                }
                if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    rd_kafka_headers_destroy(hdrs)
                    return KafkaError(err, message: "invalid header '\(h.key)'", topic: topic)
                }
            }
            nativeHeaders = hdrs
        }

        let error: OpaquePointer? = topic.withCString { topicPtr in
            withOptionalBytes(key) { keyPtr, keyLen in
                withOptionalBytes(value) { valuePtr, valueLen in
                    var vus = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: 7)
                    vus[0].vtype = RD_KAFKA_VTYPE_TOPIC
                    vus[0].u.cstr = topicPtr
                    vus[1].vtype = RD_KAFKA_VTYPE_PARTITION
                    vus[1].u.i32 = partition ?? -1  // RD_KAFKA_PARTITION_UA
                    vus[2].vtype = RD_KAFKA_VTYPE_KEY
                    vus[2].u.mem.ptr = UnsafeMutableRawPointer(mutating: keyPtr)
                    vus[2].u.mem.size = keyLen
                    vus[3].vtype = RD_KAFKA_VTYPE_VALUE
                    vus[3].u.mem.ptr = UnsafeMutableRawPointer(mutating: valuePtr)
                    vus[3].u.mem.size = valueLen
                    vus[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    vus[4].u.i = 0x2  // RD_KAFKA_MSG_F_COPY
                    vus[5].vtype = RD_KAFKA_VTYPE_OPAQUE
                    vus[5].u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(context))
                    var count = 6
                    if let nativeHeaders {
                        vus[6].vtype = RD_KAFKA_VTYPE_HEADERS
                        vus[6].u.headers = nativeHeaders
                        count = 7
                    }
                    return rd_kafka_produceva(handle.rk, vus, count)
                }
            }
        }
        guard let error else { return nil }
        if let nativeHeaders { rd_kafka_headers_destroy(nativeHeaders) }  // not consumed on failure
        return KafkaError(consuming: error, topic: topic, partition: partition)
    }
}

/// Calls `body` with (pointer, length): NULL for nil, a valid non-NULL pointer for empty
/// (librdkafka distinguishes a null value from an empty one by the pointer).
private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
    guard let bytes else { return body(nil, 0) }
    if bytes.isEmpty {
        return withUnsafePointer(to: 0 as UInt8) { body(UnsafeRawPointer($0), 0) }
    }
    return bytes.withUnsafeBytes { body($0.baseAddress, $0.count) }
}

/// `dr_msg_cb`: runs on the poll thread inside `rd_kafka_poll`.
private let deliveryReportCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    _, message, opaque in
    guard let message, let ctx = CallbackContext.from(opaque), let onDelivery = ctx.onDelivery else { return }
    let m = message.pointee
    let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
    var tsType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
    let timestamp = rd_kafka_message_timestamp(message, &tsType)
    // Not rd_kafka_message_errstr: for a delivery report it returns the message's payload, which
    // is not NUL-terminated.
    let error: KafkaError? = m.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(
        code: KafkaErrorCode(m.err), topic: topic, partition: m.partition)
    let status = DeliveryReport.Status(rawValue: Int32(rd_kafka_message_status(message).rawValue)) ?? .notPersisted
    onDelivery(DeliveryReport(
        context: UInt64(UInt(bitPattern: m._private)), topic: topic, partition: m.partition,
        offset: m.offset, timestampMs: timestamp, error: error, status: status))
}
