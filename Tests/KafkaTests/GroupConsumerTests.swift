import Foundation
import Kafka
import Testing

@Suite(.timeLimit(.minutes(2)))
struct GroupConsumerTests {
    /// Next offset to read per partition after `messages`.
    static func nextOffsets(_ messages: [KafkaMessage]) -> [TopicPartitionOffset] {
        var next: [TopicPartition: Int64] = [:]
        for m in messages { next[m.topicPartition] = max(next[m.topicPartition] ?? 0, m.offset + 1) }
        return next.map { TopicPartitionOffset($0.key, offset: $0.value) }.sorted { $0.partition < $1.partition }
    }

    @Test func commitThenNewMemberResumesFromCommittedOffset() throws {
        let cluster = try MockCluster(brokers: 3, logger: TestSupport.logger)
        let topic = "grouped"
        try cluster.createTopic(topic, partitions: 2)
        try TestSupport.produce(cluster, topic: topic, count: 100)
        let partitions = [TopicPartition(topic: topic, partition: 0), TopicPartition(topic: topic, partition: 1)]

        let events = Collector<RebalanceEvent>()
        let first = try KafkaConsumer(config: TestSupport.consumerConfig(cluster, group: "g-resume"), logger: TestSupport.logger)
        try first.subscribe(topics: [topic]) { events.add($0) }
        let firstBatch = TestSupport.consume(first) { $0.count >= 60 }
        try #require(firstBatch.count == 60)
        let commitOffsets = Self.nextOffsets(firstBatch)
        try first.commit(offsets: commitOffsets, synchronous: true)
        let committed = try first.committed(partitions, timeout: .seconds(10))
        for c in commitOffsets {
            #expect(committed.first { $0.partition == c.partition }?.offset == c.offset)
        }
        try first.close()
        let firstEvents = events.all
        #expect(firstEvents.first == .assigned(partitions))
        #expect(firstEvents.last == .revoked(partitions, lost: false))

        let second = try KafkaConsumer(config: TestSupport.consumerConfig(cluster, group: "g-resume"), logger: TestSupport.logger)
        try second.subscribe(topics: [topic])
        let rest = TestSupport.consume(second) { $0.count >= 40 }
        let extra = TestSupport.drain(second, for: .seconds(1))
        try second.close()

        #expect(rest.count == 40 && extra.isEmpty)
        for c in commitOffsets {
            let firstOffset = rest.filter { $0.partition == c.partition }.map(\.offset).min()
            if let firstOffset { #expect(firstOffset == c.offset) }
        }
        let all = (firstBatch + rest).map { "\($0.partition)/\($0.offset)" }
        #expect(Set(all).count == 100)
    }

    @Test(arguments: ["range,roundrobin", "cooperative-sticky"])
    func revocationHandlerCommitsBeforeUnassignOnClose(strategy: String) throws {
        let cluster = try MockCluster(brokers: 1, logger: TestSupport.logger)
        let topic = "revoke"
        try cluster.createTopic(topic, partitions: 1)
        try TestSupport.produce(cluster, topic: topic, count: 50)
        let tp = TopicPartition(topic: topic, partition: 0)

        let config = TestSupport.consumerConfig(cluster, group: "g-revoke")
            .setting("partition.assignment.strategy", strategy)
        let events = Collector<RebalanceEvent>()
        let consumer = try KafkaConsumer(config: config, logger: TestSupport.logger)
        let progress = Locked(Int64(0))       // next offset to commit, updated by the poll loop
        let handlerResults = Collector<String>()
        try consumer.subscribe(topics: [topic]) { event in
            events.add(event)
            guard case .revoked(let parts, lost: false) = event else { return }
            // Still assigned here: the commit must succeed.
            do {
                let assignment = try consumer.assignment()
                try consumer.commit(offsets: parts.map { TopicPartitionOffset($0, offset: progress.current) }, synchronous: true)
                handlerResults.add("committed \(progress.current) assigned=\(assignment.count)")
            } catch {
                handlerResults.add("failed \(error)")
            }
        }
        let batch = TestSupport.consume(consumer) { $0.count >= 30 }
        try #require(batch.count == 30)
        progress.set(batch.last!.offset + 1)
        try consumer.close()  // revocation runs here, on this thread
        #expect(handlerResults.all == ["committed 30 assigned=1"])
        #expect(events.all == [.assigned([tp]), .revoked([tp], lost: false)])

        let next = try KafkaConsumer(config: TestSupport.consumerConfig(cluster, group: "g-revoke"), logger: TestSupport.logger)
        #expect(try next.committed([tp], timeout: .seconds(10)).map(\.offset) == [30])
        try next.subscribe(topics: [topic])
        let rest = TestSupport.consume(next) { $0.count >= 20 }
        #expect(rest.map(\.offset) == Array(30..<50))
        try next.close()
    }
}
