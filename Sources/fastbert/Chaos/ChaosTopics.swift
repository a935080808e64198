import Foundation
import Kafka
import Logging
import Pipeline

/// Reading a chaos run's topics and its group's commits from the mock cluster.
struct ChaosTopics: Sendable {
    let bootstrap: String
    let input: String
    let output: String
    let group: String
    let partitions: Int32

    private var quiet: Logger { Logger(label: "chaos.reader", factory: { _ in SwiftLogNoOpLogHandler() }) }

    /// The group's committed offsets now (partitions never committed are left out), or nil if
    /// the coordinator could not be asked (e.g. its broker is down).
    func committed(using consumer: KafkaConsumer) -> [Int32: Int64]? {
        let list = try? consumer.committed((0..<partitions).map { TopicPartition(topic: input, partition: $0) }, timeout: .seconds(2))
        guard let list else { return nil }
        return Dictionary(uniqueKeysWithValues: list.filter { $0.offset >= 0 }.map { ($0.partition, $0.offset) })
    }

    /// A consumer of the group's id for commit queries only (it never subscribes).
    func commitReader() throws -> KafkaConsumer {
        try KafkaConsumer(config: KafkaConfig(bootstrapServers: bootstrap, [("group.id", group)]), logger: quiet)
    }

    func highWatermarks(_ topic: String) throws -> [Int32: Int64] {
        let admin = try KafkaAdmin(config: KafkaConfig(bootstrapServers: bootstrap), logger: quiet)
        var result: [Int32: Int64] = [:]
        for p in 0..<partitions { result[p] = try admin.watermarks(topic: topic, partition: p).high }
        return result
    }

    /// Every record of `topic` from the beginning up to the high watermarks read first.
    func readAll(_ topic: String) throws -> [KafkaMessage] {
        let ends = try highWatermarks(topic)
        let consumer = try KafkaConsumer(config: KafkaConfig(bootstrapServers: bootstrap), logger: quiet)
        defer { try? consumer.close() }
        try consumer.assign((0..<partitions).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        var next: [Int32: Int64] = [:], messages: [KafkaMessage] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while (0..<partitions).contains(where: { next[$0, default: 0] < ends[$0, default: 0] }), ContinuousClock.now < deadline {
            guard let m = consumer.poll(timeout: .milliseconds(100)), m.error == nil else { continue }
            messages.append(m)
            next[m.partition] = m.offset + 1
        }
        return messages
    }

    /// An output record as the auditor sees it, or nil if it is not a result.
    static func output(_ m: KafkaMessage) -> DeliveryAudit.Output? {
        guard let value = m.value, let json = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
              let source = json["source"] as? [String: Any], let partition = source["partition"] as? Int,
              let offset = source["offset"] as? Int, let label = json["label"] as? String, let exit = json["exit_layer"] as? Int
        else { return nil }
        return DeliveryAudit.Output(partition: Int32(partition), offset: Int64(offset),
                                    result: DeliveryAudit.Expected(label: label, exitLayer: exit), timestampMs: m.timestampMs)
    }
}
