import Kafka

/// Settings of `fastbert serve`.
public struct ServeConfiguration: Sendable {
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

    public init(
        brokers: String, inputTopics: [String], group: String, processing: ProcessingSettings,
        kafkaProperties: [(String, String)] = [], commitInterval: Duration = .milliseconds(500),
        revokeTimeout: Duration = .seconds(10), shutdownTimeout: Duration = .seconds(30), lagInterval: Duration = .seconds(5)
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
    }

    var consumerConfig: KafkaConfig {
        var config = KafkaConfig(bootstrapServers: brokers, [
            ("group.id", group), ("auto.offset.reset", "earliest"), ("enable.auto.commit", "false"),
            ("enable.auto.offset.store", "false"), ("client.id", "fastbert-serve"),
        ])
        for (k, v) in ClientProperties.select(kafkaProperties, for: "consumer") { config[k] = v }
        return config
    }

    var producerConfig: KafkaConfig { ClientProperties.producerConfig(brokers: brokers, kafkaProperties) }
}

/// Splits `--kafka` properties between the consumer and the producer.
enum ClientProperties {
    static func select(_ properties: [(String, String)], for client: String) -> [(String, String)] {
        let other = client == "consumer" ? "producer." : "consumer."
        return properties.compactMap { key, value in
            if key.hasPrefix(client + ".") { return (String(key.dropFirst(client.count + 1)), value) }
            if key.hasPrefix(other) { return nil }
            return (key, value)
        }
    }

    static func producerConfig(brokers: String, _ properties: [(String, String)]) -> KafkaConfig {
        var config = KafkaConfig(bootstrapServers: brokers, [
            ("enable.idempotence", "true"), ("acks", "all"), ("linger.ms", "5"), ("client.id", "fastbert-producer"),
        ])
        for (k, v) in select(properties, for: "producer") { config[k] = v }
        return config
    }
}
