import Kafka

/// Settings of `fastbert serve`.
public struct ServeConfiguration: Sendable {
    public enum Defaults {
        public static let commitInterval: Duration = .milliseconds(500)
        public static let shutdownTimeout: Duration = .seconds(30)
        public static let stallTimeout: Duration = .seconds(60)
    }

    public var brokers: String
    public var inputTopics: [String]
    public var group: String
    public var processing: ProcessingSettings
    /// Extra librdkafka properties for both clients; keys prefixed `consumer.` / `producer.`
    /// apply to that client only (prefix stripped).
    public var kafkaProperties: [(String, String)]
    /// How often acknowledged offsets are committed (asynchronously).
    public var commitInterval: Duration
    /// How long a revoked partition's in-flight records may take to finish before they are dropped.
    public var revokeTimeout: Duration
    /// Upper bound for drain + flush + commit on shutdown.
    public var shutdownTimeout: Duration
    /// How often consumer lag is sampled.
    public var lagInterval: Duration
    /// A partition whose commit point has not moved for this long while records wait counts as
    /// stalled (unready, `fastbert_stalled_partitions`).
    public var stallTimeout: Duration
    /// How often a stalled partition is logged again.
    public var stallLogInterval: Duration

    public init(
        brokers: String, inputTopics: [String], group: String, processing: ProcessingSettings,
        kafkaProperties: [(String, String)] = [], commitInterval: Duration = Defaults.commitInterval,
        revokeTimeout: Duration = .seconds(10), shutdownTimeout: Duration = Defaults.shutdownTimeout, lagInterval: Duration = .seconds(5),
        stallTimeout: Duration = Defaults.stallTimeout, stallLogInterval: Duration = .seconds(30)
    ) {
        self.brokers = brokers
        self.inputTopics = inputTopics
        self.group = group
        self.processing = processing
        self.kafkaProperties = kafkaProperties
        self.commitInterval = commitInterval
        self.revokeTimeout = revokeTimeout
        self.shutdownTimeout = shutdownTimeout
        self.lagInterval = lagInterval
        self.stallTimeout = stallTimeout
        self.stallLogInterval = stallLogInterval
    }

    /// Adaptive speed moves once per tick on the lag it last saw, so lag is sampled at least that often.
    var lagSamplingInterval: Duration {
        if case .adaptive(let adaptive) = processing.exit { return min(lagInterval, adaptive.tick) }
        return lagInterval
    }

    var clients: ClientSettings {
        ClientSettings(brokers: brokers, properties: kafkaProperties, maxInFlightBytes: processing.maxInFlightBytes)
    }

    /// The group member: commits from where the group left off, or the oldest record.
    var consumerConfig: KafkaConfig {
        clients.consumer([("group.id", group), ("auto.offset.reset", "earliest"), ("client.id", "fastbert-serve")])
    }
}
