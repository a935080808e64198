import Foundation
import Kafka
import Testing

@Suite(.timeLimit(.minutes(2)))
struct FaultInjectionTests {
    /// Consumes `topic` from the beginning and returns the multiset of values.
    static func readBack(_ cluster: MockCluster, topic: String, partitions: Int32, expected: Int) throws -> [String] {
        let consumer = try KafkaConsumer(config: TestSupport.consumerConfig(cluster, group: nil), logger: TestSupport.logger)
        try consumer.assign((0..<partitions).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        var messages = TestSupport.consume(consumer) { $0.count >= expected }
        messages += TestSupport.drain(consumer, for: .milliseconds(500))
        try consumer.close()
        return messages.compactMap { TestSupport.string($0.value) }
    }

    @Test func brokersDownThenUpWhileProducingLosesNothing() throws {
        let cluster = try MockCluster(brokers: 3, logger: TestSupport.logger)
        let topic = "outage"
        try cluster.createTopic(topic, partitions: 3)
        let reports = Reports()
        let errors = Collector<KafkaError>()
        let producer = try KafkaProducer(
            config: cluster.clientConfig(), logger: TestSupport.logger, onError: { errors.add($0) }
        ) { reports.add($0) }

        let count = 600
        for i in 0..<200 { try producer.send(topic: topic, key: "k\(i)", value: "v\(i)", context: UInt64(i)) }
        try producer.flush(timeout: .seconds(30))
        for id in Int32(1)...3 { try cluster.setBrokerDown(id) }
        for i in 200..<400 { try producer.send(topic: topic, key: "k\(i)", value: "v\(i)", context: UInt64(i)) }
        Thread.sleep(forTimeInterval: 1.5)  // let the outage be noticed while messages wait
        for id in Int32(1)...3 { try cluster.setBrokerUp(id) }
        for i in 400..<count { try producer.send(topic: topic, key: "k\(i)", value: "v\(i)", context: UInt64(i)) }
        try producer.close(timeout: .seconds(60))

        let all = reports.all
        #expect(all.count == count)
        #expect(all.allSatisfy { $0.isSuccess })
        #expect(Set(all.map(\.context)).count == count)
        #expect(producer.fatalError == nil)
        #expect(errors.all.allSatisfy { !$0.isFatal })

        let values = try Self.readBack(cluster, topic: topic, partitions: 3, expected: count)
        #expect(values.count == count)  // idempotence: no duplicates
        #expect(Set(values) == Set((0..<count).map { "v\($0)" }))
    }

    @Test func injectedProduceErrorsAreRetried() throws {
        let cluster = try MockCluster(brokers: 1, logger: TestSupport.logger)
        let topic = "flaky"
        try cluster.createTopic(topic, partitions: 1)
        let reports = Reports()
        let producer = try KafkaProducer(config: cluster.clientConfig(), logger: TestSupport.logger) { reports.add($0) }
        // Connect and obtain the producer id first, so the errors hit Produce requests.
        try producer.send(topic: topic, key: "warmup", value: "v-warmup", context: 999)
        try producer.flush(timeout: .seconds(30))

        try cluster.pushRequestErrors(apiKey: .produce, errors: [
            .notLeaderForPartition, .notEnoughReplicas, .leaderNotAvailable, .transport, .notEnoughReplicasAfterAppend,
        ])
        let count = 100
        for i in 0..<count { try producer.send(topic: topic, key: "k\(i)", value: "v\(i)", context: UInt64(i)) }
        try producer.close(timeout: .seconds(60))

        let all = reports.all.filter { $0.context != 999 }
        #expect(all.count == count && all.allSatisfy { $0.isSuccess })
        // Single partition, idempotent producer: order and exactly-once are preserved.
        #expect(all.sorted { $0.offset < $1.offset }.map(\.context) == (0..<UInt64(count)).map { $0 })

        let values = try Self.readBack(cluster, topic: topic, partitions: 1, expected: count + 1)
        #expect(values == ["v-warmup"] + (0..<count).map { "v\($0)" })
    }
}
