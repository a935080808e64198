import Kafka
import Logging

/// The librdkafka configuration of the pipeline's clients, assembled in one place for `serve`
/// and `replay`. `--kafka` properties apply to both clients; keys prefixed `consumer.` /
/// `producer.` to that client only (prefix stripped). They override the pipeline's own
/// settings. Manual commits and the idempotent producer are the Kafka clients' own defaults
/// (`KafkaConsumer`, `KafkaProducer`) and are not repeated here.
///
/// The pipeline never creates topics (`allow.auto.create.topics=false`): a missing topic is a
/// configuration error. librdkafka's queues are sized from `maxInFlightBytes`: the producer's
/// queue holds at most that many bytes (and one message per 512 bytes of it, librdkafka's
/// per-message overhead being a few hundred bytes), the consumer prefetches at most a quarter
/// of it (librdkafka may overshoot that by one fetch).
struct ClientSettings: Sendable {
    var brokers: String
    var properties: [(String, String)]
    var maxInFlightBytes: Int

    /// A consumer with the caller's settings (group id, offset reset, ...) under the user's.
    func consumer(_ own: [(String, String)]) -> KafkaConfig {
        var config = KafkaConfig(bootstrapServers: brokers, [
            ("allow.auto.create.topics", "false"), ("queued.max.messages.kbytes", String(max(1, maxInFlightBytes / 4 / 1024))),
        ] + own)
        for (k, v) in select(for: "consumer") { config[k] = v }
        return config
    }

    /// The producer of outputs and dead letters (also used for admin queries).
    var producer: KafkaConfig {
        var config = KafkaConfig(bootstrapServers: brokers, [
            ("linger.ms", "5"), ("client.id", "fastbert-producer"), ("allow.auto.create.topics", "false"),
            ("queue.buffering.max.kbytes", String(max(1, maxInFlightBytes / 1024))),
            ("queue.buffering.max.messages", String(max(1000, maxInFlightBytes / 512))),
        ])
        for (k, v) in select(for: "producer") { config[k] = v }
        return config
    }

    /// A handle for cluster queries (topic metadata, watermarks), configured like the producer.
    func admin(logger: Logger) throws(PipelineError) -> KafkaAdmin {
        do { return try KafkaAdmin(config: producer, logger: logger) } catch { throw .kafka(error) }
    }

    private func select(for client: String) -> [(String, String)] {
        let other = client == "consumer" ? "producer." : "consumer."
        return properties.compactMap { key, value in
            if key.hasPrefix(client + ".") { return (String(key.dropFirst(client.count + 1)), value) }
            if key.hasPrefix(other) { return nil }
            return (key, value)
        }
    }
}
