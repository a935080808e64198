/// How records are turned into outputs; shared by `serve` and `replay`. The defaults here are
/// the only ones: the CLI reads them from `ProcessingSettings.Defaults`.
public struct ProcessingSettings: Sendable {
    public enum Defaults {
        public static let speed: Float = 0.1
        public static let maxBatch = 32
        public static let maxWait: Duration = .milliseconds(20)
        /// Off: each micro-batch runs through the engine on its own.
        public static let maxPoolWait: Duration = .zero
        /// 64 MiB: with the model and librdkafka's buffers, serve stays well inside the 768 MiB
        /// of deploy/ (see docs/pipeline.md, "Memory").
        public static let maxInFlightBytes = 64 << 20
    }

    /// When records leave the network (a record's own `fastbert-speed` header overrides it).
    public var exit: ExitRule
    /// Micro-batch size limit.
    public var maxBatch: Int
    /// Micro-batch time limit, from the oldest waiting record.
    public var maxWait: Duration
    /// Longest a record waits, in total, in the per-layer pools where survivors of successive
    /// micro-batches run together (`LayerPools`); zero turns the pools off.
    public var maxPoolWait: Duration
    /// Valid records waiting for inference before the consumer is held back.
    public var queueCapacity: Int
    /// Memory budget for records in flight: inputs waiting for inference plus outputs (with
    /// their inputs) waiting for acknowledgement. At the budget consumption pauses; the
    /// librdkafka queues are sized from it too (`ClientSettings`).
    public var maxInFlightBytes: Int
    /// Step over records the consumer cannot read (corrupt batches) instead of stopping their
    /// partition there.
    public var skipUnreadableRecords: Bool
    public var decoder: InputDecoder
    public var routing: OutputRouting

    public init(
        exit: ExitRule = .speed(Defaults.speed), maxBatch: Int = Defaults.maxBatch, maxWait: Duration = Defaults.maxWait,
        maxPoolWait: Duration = Defaults.maxPoolWait, queueCapacity: Int? = nil, maxInFlightBytes: Int = Defaults.maxInFlightBytes,
        skipUnreadableRecords: Bool = false, decoder: InputDecoder = InputDecoder(), routing: OutputRouting
    ) {
        self.exit = exit
        self.maxBatch = max(1, maxBatch)
        self.maxWait = maxWait
        self.maxPoolWait = max(.zero, maxPoolWait)
        self.queueCapacity = queueCapacity ?? max(64, 4 * max(1, maxBatch))
        self.maxInFlightBytes = max(1 << 20, maxInFlightBytes)
        self.skipUnreadableRecords = skipUnreadableRecords
        self.decoder = decoder
        self.routing = routing
    }
}
