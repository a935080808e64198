/// How records are turned into outputs; shared by `serve` and `replay`.
public struct ProcessingSettings: Sendable {
    /// Exit threshold on normalized entropy (0: full depth).
    public var speed: Float
    /// Micro-batch size limit.
    public var maxBatch: Int
    /// Micro-batch time limit, from the oldest waiting record.
    public var maxWait: Duration
    /// Valid records waiting for inference before the consumer is held back.
    public var queueCapacity: Int
    public var decoder: InputDecoder
    public var routing: OutputRouting

    public init(
        speed: Float = 0.1, maxBatch: Int = 32, maxWait: Duration = .milliseconds(20), queueCapacity: Int? = nil,
        decoder: InputDecoder = InputDecoder(), routing: OutputRouting
    ) {
        self.speed = speed
        self.maxBatch = max(1, maxBatch)
        self.maxWait = maxWait
        self.queueCapacity = queueCapacity ?? max(64, 4 * max(1, maxBatch))
        self.decoder = decoder
        self.routing = routing
    }
}
