import Foundation
import Kafka
import Logging

/// Shared helpers for tests against an in-process `MockCluster`.
enum TestSupport {
    static var logger: Logger {
        var logger = Logger(label: "kafka.tests")
        logger.logLevel = .critical
        return logger
    }

    /// Config for group consumers in the mock (first join takes ~3 s).
    static func consumerConfig(_ cluster: MockCluster, group: String?) -> KafkaConfig {
        var config = cluster.clientConfig([
            ("session.timeout.ms", "6000"),
            ("auto.offset.reset", "earliest"),
        ])
        if let group { config["group.id"] = group }
        return config
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
    static func string(_ b: [UInt8]?) -> String? { b.map { String(decoding: $0, as: UTF8.self) } }

    /// Polls until `done(collected)` or `timeout`; error events are skipped.
    static func consume(
        _ consumer: KafkaConsumer, timeout: Duration = .seconds(30),
        until done: ([KafkaMessage]) -> Bool
    ) -> [KafkaMessage] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var messages: [KafkaMessage] = []
        while !done(messages), clock.now < deadline {
            if let m = consumer.poll(timeout: .milliseconds(100)), m.error == nil {
                messages.append(m)
            }
        }
        return messages
    }

    /// Polls for `duration` and returns whatever arrives (used to check nothing extra comes).
    static func drain(_ consumer: KafkaConsumer, for duration: Duration) -> [KafkaMessage] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: duration)
        return consume(consumer, timeout: duration) { _ in clock.now >= deadline }
    }

    /// Produces `count` messages keyed `key-i` and waits for all delivery reports.
    @discardableResult
    static func produce(
        _ cluster: MockCluster, topic: String, count: Int, partition: Int32? = nil
    ) throws -> [DeliveryReport] {
        let reports = Reports()
        let producer = try KafkaProducer(config: cluster.clientConfig(), logger: logger) { reports.add($0) }
        for i in 0..<count {
            try producer.send(topic: topic, key: "key-\(i)", value: "value-\(i)", partition: partition, context: UInt64(i))
        }
        try producer.close(timeout: .seconds(30))
        return reports.all
    }
}

/// Thread-safe collector for values produced on librdkafka threads.
final class Collector<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []

    func add(_ item: T) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    var all: [T] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

typealias Reports = Collector<DeliveryReport>
