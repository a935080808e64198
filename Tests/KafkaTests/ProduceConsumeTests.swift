import Kafka
import Testing

@Suite(.timeLimit(.minutes(2)))
struct ProduceConsumeTests {
    @Test func thousandMessagesRoundTripWithKeysHeadersAndReports() throws {
        let cluster = try MockCluster(brokers: 3, logger: TestSupport.logger)
        let topic = "roundtrip"
        try cluster.createTopic(topic, partitions: 3)

        let reports = Reports()
        let producer = try KafkaProducer(config: cluster.clientConfig(), logger: TestSupport.logger) { reports.add($0) }
        let count = 1000
        for i in 0..<count {
            let headers = [KafkaHeader("idx", "\(i)"), KafkaHeader("nullable", nil), KafkaHeader("idx", "dup")]
            try producer.send(
                topic: topic, key: TestSupport.bytes("key-\(i)"), value: TestSupport.bytes("value-\(i)"),
                headers: headers, context: UInt64(i))
        }
        try producer.flush(timeout: .seconds(30))
        try producer.close()

        // Delivery reports: one per message, all successful, contexts echoed, offsets dense per partition.
        let all = reports.all
        #expect(all.count == count)
        #expect(all.allSatisfy { $0.isSuccess && $0.offset >= 0 && $0.topic == topic && $0.status == .persisted })
        #expect(Set(all.map(\.context)) == Set((0..<count).map(UInt64.init)))
        var byContext: [UInt64: DeliveryReport] = [:]
        for r in all { byContext[r.context] = r }
        for p in Int32(0)..<3 {
            let offsets = all.filter { $0.partition == p }.map(\.offset).sorted()
            #expect(offsets == Array(0..<Int64(offsets.count)))
        }

        // Consume everything back (direct assignment from the beginning).
        let consumer = try KafkaConsumer(config: TestSupport.consumerConfig(cluster, group: nil), logger: TestSupport.logger)
        try consumer.assign((0..<3).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) })
        let messages = TestSupport.consume(consumer) { $0.count >= count }
        #expect(messages.count == count)
        var seen = Set<Int>()
        for m in messages {
            let idx = try #require(TestSupport.string(m.header("idx")?.value).flatMap { Int($0) })
            seen.insert(idx)
            #expect(TestSupport.string(m.key) == "key-\(idx)")
            #expect(TestSupport.string(m.value) == "value-\(idx)")
            #expect(m.headers == [KafkaHeader("idx", "\(idx)"), KafkaHeader("nullable", nil), KafkaHeader("idx", "dup")])
            let report = try #require(byContext[UInt64(idx)])
            #expect(m.partition == report.partition && m.offset == report.offset)
            #expect(m.timestampMs > 0)
        }
        #expect(seen.count == count)
        try consumer.close()
        // Key hashing spread the messages over all partitions.
        #expect(Set(messages.map(\.partition)).count == 3)
    }

    @Test func nullAndEmptyKeysAndValues() throws {
        let cluster = try MockCluster(brokers: 1, logger: TestSupport.logger)
        try cluster.createTopic("nulls", partitions: 1)
        let reports = Reports()
        let producer = try KafkaProducer(config: cluster.clientConfig(), logger: TestSupport.logger) { reports.add($0) }
        try producer.send(topic: "nulls", key: nil as [UInt8]?, value: nil as [UInt8]?, context: 0)
        try producer.send(topic: "nulls", key: [], value: [], context: 1)
        try producer.send(topic: "nulls", key: [0, 255], value: [1, 2, 3], context: 2)
        try producer.close()
        #expect(reports.all.count == 3 && reports.all.allSatisfy { $0.isSuccess })

        let consumer = try KafkaConsumer(config: TestSupport.consumerConfig(cluster, group: nil), logger: TestSupport.logger)
        try consumer.assign([TopicPartitionOffset(topic: "nulls", partition: 0, offset: KafkaOffset.beginning)])
        let messages = TestSupport.consume(consumer) { $0.count >= 3 }
        try #require(messages.count == 3)
        #expect(messages[0].key == nil && messages[0].value == nil)
        #expect(messages[1].key == [] && messages[1].value == [])
        #expect(messages[2].key == [0, 255] && messages[2].value == [1, 2, 3])
        #expect(messages.allSatisfy { $0.headers.isEmpty })
        try consumer.close()
    }

    @Test func queueFullIsRetriedUntilDelivered() throws {
        let cluster = try MockCluster(brokers: 1, logger: TestSupport.logger)
        try cluster.createTopic("small-queue", partitions: 1)
        let reports = Reports()
        let config = cluster.clientConfig([("queue.buffering.max.messages", "5"), ("linger.ms", "20")])
        let producer = try KafkaProducer(config: config, logger: TestSupport.logger) { reports.add($0) }
        for i in 0..<300 {
            try producer.send(topic: "small-queue", key: "k", value: "v\(i)", context: UInt64(i))
        }
        try producer.close()
        let all = reports.all
        #expect(all.count == 300 && all.allSatisfy { $0.isSuccess })
        // Same key, same partition: offsets follow send order.
        #expect(all.sorted { $0.context < $1.context }.map(\.offset) == Array(0..<300))
    }

    @Test func directAssignmentFromOffsetWithoutGroup() throws {
        let cluster = try MockCluster(brokers: 1, logger: TestSupport.logger)
        try cluster.createTopic("direct", partitions: 2)
        try TestSupport.produce(cluster, topic: "direct", count: 50, partition: 0)
        try TestSupport.produce(cluster, topic: "direct", count: 5, partition: 1)

        let consumer = try KafkaConsumer(config: TestSupport.consumerConfig(cluster, group: nil), logger: TestSupport.logger)
        try consumer.assign([TopicPartitionOffset(topic: "direct", partition: 0, offset: 10)])
        #expect(try consumer.assignment() == [TopicPartition(topic: "direct", partition: 0)])
        let messages = TestSupport.consume(consumer) { $0.count >= 40 }
        #expect(messages.map(\.offset) == Array(10..<50))
        #expect(messages.allSatisfy { $0.partition == 0 })
        #expect(TestSupport.string(messages.first?.value) == "value-10")
        #expect(TestSupport.drain(consumer, for: .milliseconds(500)).isEmpty)

        let position = try consumer.position([TopicPartition(topic: "direct", partition: 0)])
        #expect(position.map(\.offset) == [50])

        // Seek back inside the assignment.
        try consumer.seek([TopicPartitionOffset(topic: "direct", partition: 0, offset: 45)], timeout: .seconds(5))
        let again = TestSupport.consume(consumer) { $0.count >= 5 }
        #expect(again.map(\.offset) == Array(45..<50))

        // No group: commits are refused instead of creating a throwaway group.
        #expect(throws: KafkaError.self) {
            try consumer.commit(offsets: [TopicPartitionOffset(topic: "direct", partition: 0, offset: 50)], synchronous: true)
        }
        try consumer.close()
        #expect(consumer.poll(timeout: .milliseconds(10)) == nil)
    }
}
