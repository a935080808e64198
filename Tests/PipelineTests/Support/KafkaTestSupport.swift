import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Kafka
import Logging

/// Helpers for tests against librdkafka's mock cluster.
enum KafkaTestSupport {
    /// Silent unless FASTBERT_TEST_LOG is set (then that level, to stderr).
    static var quietLogger: Logger {
        let level = ProcessInfo.processInfo.environment["FASTBERT_TEST_LOG"].flatMap(Logger.Level.init(rawValue:))
        var logger = Logger(label: "pipeline.tests") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level ?? .critical
        return logger
    }

    /// Group settings that make the mock's first join fast enough for tests.
    static let groupProperties: [(String, String)] = [
        ("consumer.session.timeout.ms", "6000"), ("consumer.heartbeat.interval.ms", "500"),
    ]

    /// Produces `values` keyed `key(i)` (nil keys when `key` is nil) and waits for delivery.
    static func produce(
        bootstrap: String, topic: String, values: [[UInt8]?], key: ((Int) -> [UInt8]?)? = { Array("k-\($0)".utf8) },
        headers: [[KafkaHeader]]? = nil, partition: Int32? = nil, properties: [(String, String)] = []
    ) throws {
        let failures = Collected<DeliveryReport>()
        let producer = try KafkaProducer(config: KafkaConfig(bootstrapServers: bootstrap, [("linger.ms", "5")] + properties), logger: quietLogger) {
            if !$0.isSuccess { failures.append($0) }
        }
        for (i, value) in values.enumerated() {
            try producer.send(topic: topic, key: key?(i), value: value, headers: headers?[i] ?? [], partition: partition, context: UInt64(i))
        }
        try producer.close(timeout: .seconds(60))
        precondition(failures.all.isEmpty, "test produce failed: \(failures.all.prefix(3))")
    }

    static func produce(bootstrap: String, topic: String, texts: [String], partition: Int32? = nil) throws {
        try produce(bootstrap: bootstrap, topic: topic, values: texts.map { Array($0.utf8) }, partition: partition)
    }

    /// Reads every partition of `topic` from the beginning until `until(messages)` or `timeout`.
    static func consumeAll(
        bootstrap: String, topic: String, timeout: Duration = .seconds(60),
        until done: ([KafkaMessage]) -> Bool
    ) throws -> [KafkaMessage] {
        let config = KafkaConfig(bootstrapServers: bootstrap)
        let admin = try KafkaAdmin(config: config, logger: quietLogger)
        let partitions = try admin.partitionCount(topic: topic)
        let consumer = try KafkaConsumer(config: config, logger: quietLogger)
        try consumer.assign((0..<Int32(partitions)).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        defer { try? consumer.close() }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var messages: [KafkaMessage] = []
        while !done(messages), ContinuousClock.now < deadline {
            if let m = consumer.poll(timeout: .milliseconds(100)), m.error == nil { messages.append(m) }
        }
        return messages
    }

    /// Reads `topic` until `count` messages arrived, then `settle` more to catch extras.
    static func consume(bootstrap: String, topic: String, count: Int, timeout: Duration = .seconds(60), settle: Duration = .zero) throws -> [KafkaMessage] {
        var reached: ContinuousClock.Instant?
        return try consumeAll(bootstrap: bootstrap, topic: topic, timeout: timeout) { messages in
            if messages.count >= count, reached == nil { reached = .now }
            guard let reached else { return false }
            return ContinuousClock.now - reached >= settle
        }
    }

    /// Reads `topic` until outputs with `count` distinct keys arrived. After an outage serve may
    /// answer some inputs twice (at-least-once), so a message count can be reached while some
    /// inputs are still unanswered.
    static func consumeDistinctKeys(bootstrap: String, topic: String, count: Int, timeout: Duration = .seconds(60)) throws -> [KafkaMessage] {
        var keys = Set<String>(), seen = 0
        return try consumeAll(bootstrap: bootstrap, topic: topic, timeout: timeout) { messages in
            for m in messages[seen...] { if let key = m.keyString { keys.insert(key) } }
            seen = messages.count
            return keys.count >= count
        }
    }

    /// Committed offsets of `group` for every partition of `topic`.
    static func committed(bootstrap: String, group: String, topic: String, partitions: Int) throws -> [Int32: Int64] {
        let consumer = try KafkaConsumer(config: KafkaConfig(bootstrapServers: bootstrap, [("group.id", group)]), logger: quietLogger)
        defer { try? consumer.close() }
        let list = try consumer.committed((0..<Int32(partitions)).map { TopicPartition(topic: topic, partition: $0) }, timeout: .seconds(10))
        return Dictionary(uniqueKeysWithValues: list.map { ($0.partition, $0.offset) })
    }

    /// GET on a local metrics endpoint: body and status.
    static func get(port: Int, _ path: String) async throws -> (String, Int) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return (String(decoding: data, as: UTF8.self), (response as? HTTPURLResponse)?.statusCode ?? 0)
    }
}

/// Thread-safe append-only collection.
final class Collected<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ item: T) { lock.withLock { items.append(item) } }
    var all: [T] { lock.withLock { items } }
}

extension KafkaMessage {
    var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }
    var json: [String: Any]? { value.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] } }
    /// Last value per header name, as strings.
    var headerStrings: [String: String] {
        var result: [String: String] = [:]
        for h in headers { result[h.key] = h.value.map { String(decoding: $0, as: UTF8.self) } ?? "" }
        return result
    }
}
