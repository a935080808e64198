import CRdKafka
import Logging

/// State reachable from librdkafka's C callbacks through the handle's opaque pointer
/// (C callbacks cannot capture). Lives exactly as long as the `rd_kafka_t`.
final class CallbackContext: @unchecked Sendable {
    let logger: Logger
    let onError: (@Sendable (KafkaError) -> Void)?
    let onDelivery: (@Sendable (DeliveryReport) -> Void)?
    let onCommit: (@Sendable ([TopicPartitionOffset], KafkaError?) -> Void)?
    /// The group uses the cooperative (incremental) rebalance protocol. Known from the
    /// configuration, so the rebalance callback need not ask librdkafka (a blocking request
    /// that can hang while the group terminates).
    let cooperativeRebalance: Bool
    private let rebalance = Locked<(@Sendable (RebalanceEvent) -> Void)?>(nil)
    /// Values of the handle's sensitive properties, masked in librdkafka's log lines and errors.
    let secrets = Locked<[String]>([])

    init(
        logger: Logger,
        onError: (@Sendable (KafkaError) -> Void)? = nil,
        onDelivery: (@Sendable (DeliveryReport) -> Void)? = nil,
        onCommit: (@Sendable ([TopicPartitionOffset], KafkaError?) -> Void)? = nil,
        cooperativeRebalance: Bool = false
    ) {
        self.logger = logger
        self.onError = onError
        self.onDelivery = onDelivery
        self.onCommit = onCommit
        self.cooperativeRebalance = cooperativeRebalance
    }

    var rebalanceHandler: (@Sendable (RebalanceEvent) -> Void)? {
        get { rebalance.current }
        set { rebalance.withLock { $0 = newValue } }
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> CallbackContext? {
        guard let opaque else { return nil }
        return Unmanaged<CallbackContext>.fromOpaque(opaque).takeUnretainedValue()
    }
}

/// Owner of one `rd_kafka_t` and its callback context. `rd_kafka_destroy` runs in `deinit`,
/// i.e. only once nothing (no poll thread, no caller) can still use the handle.
final class KafkaHandle: @unchecked Sendable {
    let rk: OpaquePointer
    let context: CallbackContext
    private let contextRef: Unmanaged<CallbackContext>

    /// Creates the handle. `configure` installs type-specific callbacks on the native conf.
    /// Log and (optionally) error callbacks are always routed to `context`.
    init(
        type: rd_kafka_type_t, config: KafkaConfig, context: CallbackContext,
        installErrorCallback: Bool = true, configure: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) {
        let conf = try config.makeNative()
        context.secrets.set(config.secretValues)
        let ref = Unmanaged.passRetained(context)
        rd_kafka_conf_set_opaque(conf, ref.toOpaque())
        rd_kafka_conf_set_log_cb(conf, kafkaLogCallback)
        if installErrorCallback { rd_kafka_conf_set_error_cb(conf, kafkaErrorCallback) }
        configure(conf)

        var errstr = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)  // not consumed on failure
            ref.release()
            throw KafkaError(code: .invalidArgument, message: config.redact("rd_kafka_new failed: \(String(cBuffer: errstr))"))
        }
        self.rk = rk
        self.context = context
        self.contextRef = ref
    }

    deinit {
        rd_kafka_destroy(rk)
        contextRef.release()
    }

    var name: String { String(cString: rd_kafka_name(rk)) }

    /// The fatal error raised on this handle, if any (idempotent producer / static member fencing).
    var fatalError: KafkaError? {
        var errstr = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(rk, &errstr, errstr.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(code: KafkaErrorCode(err), message: String(cBuffer: errstr), isFatal: true)
    }
}

// MARK: - C callbacks (no captures; state via the opaque pointer)

private let kafkaLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    rk, level, fac, buf in
    guard let rk, let ctx = CallbackContext.from(rd_kafka_opaque(rk)) else { return }
    let facility = fac.map { String(cString: $0) } ?? "-"
    let text = SensitiveProperty.redact(buf.map { String(cString: $0) } ?? "", secrets: ctx.secrets.current)
    let swiftLevel: Logger.Level = switch level {
    case ...2: .critical
    case 3: .error
    case 4: .warning
    case 5: .notice
    case 6: .info
    default: .debug
    }
    ctx.logger.log(level: swiftLevel, "\(text)", metadata: ["rdkafka.facility": "\(facility)", "rdkafka.client": "\(String(cString: rd_kafka_name(rk)))"])
}

private let kafkaErrorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, reason, opaque in
    guard let ctx = CallbackContext.from(opaque) else { return }
    let message = reason.map { SensitiveProperty.redact(String(cString: $0), secrets: ctx.secrets.current) }
    var error = KafkaError(code: KafkaErrorCode(rawValue: err), message: message)
    if error.code == .fatal, let rk {
        var errstr = [CChar](repeating: 0, count: 512)
        let underlying = rd_kafka_fatal_error(rk, &errstr, errstr.count)
        error = KafkaError(code: KafkaErrorCode(underlying), message: String(cBuffer: errstr), isFatal: true)
    }
    // _TRANSPORT / _ALL_BROKERS_DOWN are informational: librdkafka keeps reconnecting.
    ctx.logger.log(level: error.isFatal ? .critical : .warning, "librdkafka error: \(error)")
    ctx.onError?(error)
}
