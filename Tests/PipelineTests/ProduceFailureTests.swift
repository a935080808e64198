import Foundation
import Kafka
import Pipeline
import XCTest

/// What serve does when an output cannot be written (docs/pipeline.md, "When an output cannot
/// be written"), each case made to happen on the mock cluster.
final class ProduceFailureTests: XCTestCase {
    private let bootstrapTopics = ["in", "out", "dlq"]

    private func cluster(partitions: Int32 = 1) throws -> MockCluster {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        for t in bootstrapTopics { try cluster.createTopic(t, partitions: partitions) }
        return cluster
    }

    /// A result over the producer's 1 MB limit (because of the input's 1.2 MB key) goes to the
    /// dead-letter topic as `output_rejected`, without the key but with the value.
    func testOversizedResultBecomesADeadLetterWithoutTheKey() async throws {
        let cluster = try cluster()
        let bigKey = [UInt8](repeating: UInt8(ascii: "k"), count: 1_200_000)
        try KafkaTestSupport.produce(
            bootstrap: cluster.bootstrapServers, topic: "in", values: [Array("a good film".utf8), Array("a bad film".utf8)],
            key: { $0 == 0 ? bigKey : Array("k-\($0)".utf8) }, properties: [("message.max.bytes", "2000000")])
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-big", dlq: "dlq")
        serve.start()
        let letters = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "dlq", count: 1, timeout: .seconds(60))
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: 1, timeout: .seconds(30))
        try await serve.waitUntil("commit") {
            try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-big", topic: "in", partitions: 1)[0] == 2
        }
        try await serve.stop()

        XCTAssertEqual(letters.count, 1)
        let letter = try XCTUnwrap(letters.first)
        let h = letter.headerStrings
        XCTAssertEqual(h[DeadLetterHeaders.reason], "output_rejected")
        XCTAssertTrue(h[DeadLetterHeaders.message]?.contains("MSG_SIZE_TOO_LARGE") == true, "\(h)")
        XCTAssertEqual(h[DeadLetterHeaders.sourceOffset], "0")
        XCTAssertEqual(h[DeadLetterHeaders.keyDropped], "true")
        XCTAssertNil(h[DeadLetterHeaders.valueDropped], "only the offending part is dropped")
        XCTAssertNil(letter.key)
        XCTAssertEqual(letter.value, Array("a good film".utf8))
        let headerDocs = try letters.map { try JSONSerialization.data(withJSONObject: $0.headerStrings) }.map { Array($0) }
        XCTAssertNil(try SchemaValidator.failures(schema: "dead-letter.schema.json", documents: headerDocs))
        XCTAssertEqual(outputs.map(\.keyString), ["k-1"])
        XCTAssertEqual(serve.metric(#"fastbert_dead_letters_total{reason="output_rejected"}"#), 1)
        XCTAssertGreaterThanOrEqual(serve.metric(#"fastbert_produce_errors_total{class="record"}"#) ?? 0, 2,
                                    "the result and the dead letter with the key were refused")
    }

    /// A result the broker refuses as INVALID_RECORD becomes a dead letter with the reason.
    func testInvalidRecordBecomesADeadLetter() async throws {
        let cluster = try cluster()
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: ["a good film"])
        // The serve producer's first Produce request is the result's.
        try cluster.pushRequestErrors(apiKey: .produce, errors: [.invalidRecord])
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-invalid", dlq: "dlq")
        serve.start()
        let letters = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "dlq", count: 1, timeout: .seconds(60))
        try await serve.waitUntil("commit") {
            try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-invalid", topic: "in", partitions: 1)[0] == 1
        }
        try await serve.stop()
        let h = try XCTUnwrap(letters.first).headerStrings
        XCTAssertEqual(h[DeadLetterHeaders.reason], "output_rejected")
        XCTAssertTrue(h[DeadLetterHeaders.message]?.contains("INVALID_RECORD") == true, "\(h)")
        XCTAssertEqual(letters.first?.keyString, "k-0", "the dead letter itself was accepted whole")
        XCTAssertEqual(letters.first?.value, Array("a good film".utf8))
        XCTAssertEqual(serve.metric(#"fastbert_produce_errors_total{class="record"}"#), 1)
        XCTAssertEqual(serve.metric("fastbert_messages_out_total"), 0)
    }

    /// The dead-letter topic refuses even the stripped dead letter: the partition stalls (paused,
    /// unready, logged, counted, nothing committed) until the broker takes it.
    func testDeadLetterTopicRefusingTheRecordStallsThePartition() async throws {
        let cluster = try cluster()
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: ["a good film"])
        try cluster.pushRequestErrors(apiKey: .produce, errors: Array(repeating: .invalidRecord, count: 50))
        let logs = LogCapture()
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-dlq-stall",
                                     dlq: "dlq", metrics: true, logger: logs.logger())
        serve.start()
        try await serve.waitUntil("stall") { serve.pipeline.health.stalledPartitions.count == 1 }
        let port = try XCTUnwrap(serve.metricsPort.all.first)
        let (body, status) = try await KafkaTestSupport.get(port: port, "/readyz")
        XCTAssertEqual(status, 503)
        XCTAssertTrue(body.contains("stalled in[0]: at offset 0: topic 'dlq' refuses the dead letter even without"), body)
        let health = try await KafkaTestSupport.get(port: port, "/healthz").1
        XCTAssertEqual(health, 200, "alive: a restart would not help")
        try await serve.waitUntil("pause") { serve.metric("fastbert_paused_partitions") == 1 }
        XCTAssertEqual(serve.metric("fastbert_stalled_partitions"), 1)
        XCTAssertEqual(serve.metric(#"fastbert_partition_stalled{topic="in",partition="0"}"#), 1)
        XCTAssertEqual(serve.metric(#"fastbert_produce_errors_total{class="record"}"#), 4,
                       "result, dead letter, without the value, without the key")
        XCTAssertEqual(logs.matching("partition in[0] stalled at offset 0").count, 1, "logged once per interval")
        let committed = try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-dlq-stall", topic: "in", partitions: 1)
        XCTAssertLessThan(committed[0] ?? -1, 1, "nothing committed past the stalled record")

        try cluster.clearRequestErrors(apiKey: .produce)
        let letters = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "dlq", count: 1, timeout: .seconds(30))
        try await serve.waitUntil("recovery") { serve.pipeline.health.isReady }
        try await serve.waitUntil("commit") {
            try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-dlq-stall", topic: "in", partitions: 1)[0] == 1
        }
        XCTAssertEqual(serve.metric("fastbert_stalled_partitions"), 0)
        XCTAssertEqual(serve.metric(#"fastbert_partition_stalled{topic="in",partition="0"}"#), 0)
        XCTAssertEqual(logs.matching("partition in[0] recovered").count, 1)
        try await serve.stop()
        let h = try XCTUnwrap(letters.first).headerStrings
        XCTAssertEqual(h[DeadLetterHeaders.reason], "output_rejected")
        XCTAssertEqual(h[DeadLetterHeaders.valueDropped], "true")
        XCTAssertEqual(h[DeadLetterHeaders.keyDropped], "true")
    }

    /// The broker answers TOPIC_AUTHORIZATION_FAILED for the output topic: the partition stalls
    /// with the broker's reason and nothing is committed past the stuck record; it resumes once
    /// the topic is writable again.
    func testUnauthorizedOutputTopicStallsThenRecovers() async throws {
        let cluster = try cluster()
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<10).map(TestModel.sentence))
        // Every Produce request fails until cleared (the mock's metadata errors do not reach a
        // producer: librdkafka 2.0.2 keeps a topic whose metadata lists partitions).
        try cluster.pushRequestErrors(apiKey: .produce, errors: Array(repeating: .topicAuthorizationFailed, count: 200))
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-auth", metrics: true,
                                     extraKafka: [("producer.topic.metadata.refresh.interval.ms", "500")])
        serve.start()
        try await serve.waitUntil("stall") { serve.pipeline.health.stalledPartitions.count == 1 }
        let port = try XCTUnwrap(serve.metricsPort.all.first)
        let (body, status) = try await KafkaTestSupport.get(port: port, "/readyz")
        XCTAssertEqual(status, 503)
        XCTAssertTrue(body.contains("stalled in[0]: at offset 0: topic 'out': TOPIC_AUTHORIZATION_FAILED"), body)
        XCTAssertGreaterThanOrEqual(serve.metric(#"fastbert_produce_errors_total{class="destination"}"#) ?? 0, 1)
        try await serve.waitUntil("pause") { serve.metric("fastbert_paused_partitions") == 1 }
        let committed = try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-auth", topic: "in", partitions: 1)
        XCTAssertLessThan(committed[0] ?? -1, 1, "nothing committed past the stuck record")

        try cluster.clearRequestErrors(apiKey: .produce)
        let outputs = try KafkaTestSupport.consumeAll(bootstrap: cluster.bootstrapServers, topic: "out", timeout: .seconds(60)) {
            Set($0.compactMap(\.keyString)).count >= 10
        }
        XCTAssertEqual(Set(outputs.compactMap(\.keyString)).count, 10)
        try await serve.waitUntil("recovery") { serve.pipeline.health.isReady }
        try await serve.waitUntil("commit") {
            try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-auth", topic: "in", partitions: 1)[0] == 10
        }
        try await serve.stop()
    }

    /// A transient failure that does not end (a leaderless output partition, so every output
    /// times out): the partition pauses while its output is retried, and once the commit point
    /// has not moved for `stallTimeout` it counts as stalled. It all resumes with a leader.
    func testEndlessTransientFailurePausesThenStalls() async throws {
        let cluster = try cluster()
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<10).map(TestModel.sentence))
        try cluster.setPartitionLeader(topic: "out", partition: 0, broker: -1)
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-transient", metrics: true,
                                     extraKafka: [("producer.message.timeout.ms", "1000")]) { $0.stallTimeout = .seconds(3) }
        serve.start()
        try await serve.waitUntil("pause") { serve.metric("fastbert_paused_partitions") == 1 }
        XCTAssertGreaterThanOrEqual(serve.metric(#"fastbert_produce_errors_total{class="transient"}"#) ?? 0, 1)
        XCTAssertTrue(serve.pipeline.health.isReady || serve.pipeline.health.stalledPartitions.count == 1)
        try await serve.waitUntil("stall") { serve.pipeline.health.stalledPartitions.count == 1 }
        let port = try XCTUnwrap(serve.metricsPort.all.first)
        let (body, status) = try await KafkaTestSupport.get(port: port, "/readyz")
        XCTAssertEqual(status, 503)
        XCTAssertTrue(body.contains("stalled in[0]: at offset 0: no output acknowledged for"), body)
        XCTAssertTrue(body.contains("retrying: topic 'out': _MSG_TIMED_OUT"), body)
        XCTAssertEqual(serve.metric("fastbert_stalled_partitions"), 1)

        try cluster.setPartitionLeader(topic: "out", partition: 0, broker: 1)
        let outputs = try KafkaTestSupport.consumeAll(bootstrap: cluster.bootstrapServers, topic: "out", timeout: .seconds(60)) {
            Set($0.compactMap(\.keyString)).count >= 10
        }
        XCTAssertEqual(Set(outputs.compactMap(\.keyString)).count, 10)
        try await serve.waitUntil("recovery") { serve.pipeline.health.isReady && serve.metric("fastbert_paused_partitions") == 0 }
        try await serve.stop()
        try KafkaTestSupport.assertCommittedToEnd(cluster, group: "g-transient", partitions: 1)
    }
}
