import Kafka

/// Settings of `fastbert replay`.
public struct ReplayConfiguration: Sendable {
    public var brokers: String
    public var inputTopic: String
    public var start: ReplayStart
    public var end: ReplayEnd
    /// Replay only these partitions (all when nil).
    public var partitions: [Int32]?
    public var processing: ProcessingSettings
    public var kafkaProperties: [(String, String)]
    /// Show a progress bar on stderr.
    public var showProgress: Bool
    /// Upper bound for finishing in-flight work after the range was read (or on interruption).
    public var drainTimeout: Duration

    public init(
        brokers: String, inputTopic: String, start: ReplayStart, end: ReplayEnd, partitions: [Int32]? = nil,
        processing: ProcessingSettings, kafkaProperties: [(String, String)] = [], showProgress: Bool = true,
        drainTimeout: Duration = .seconds(120)
    ) {
        self.brokers = brokers
        self.inputTopic = inputTopic
        self.start = start
        self.end = end
        self.partitions = partitions
        self.processing = processing
        self.kafkaProperties = kafkaProperties
        self.showProgress = showProgress
        self.drainTimeout = drainTimeout
    }

    var clients: ClientSettings {
        ClientSettings(brokers: brokers, properties: kafkaProperties, maxInFlightBytes: processing.maxInFlightBytes)
    }

    /// Assigned partitions, read to their end (end-of-partition events mark a partition done).
    /// `auto.offset.reset=error`: a fetch position that is no longer on the broker is reported
    /// instead of silently moved to the partition's end (librdkafka's default `largest`).
    var consumerConfig: KafkaConfig {
        clients.consumer([("enable.partition.eof", "true"), ("auto.offset.reset", "error")])
    }
}

/// What a replay did.
public struct ReplaySummary: Sendable, Hashable {
    /// Offsets in the resolved range (including records filtered out by timestamp).
    public var rangeSize: Int64
    /// Records classified or dead-lettered (one output each).
    public var processed: Int64
    /// Records inside the offset range skipped by the timestamp filter.
    public var filtered: Int64
    /// Unreadable records stepped over (only with `skipUnreadableRecords`).
    public var unreadable: Int64
    public var seconds: Double
    public var plans: [PartitionPlan]
}
