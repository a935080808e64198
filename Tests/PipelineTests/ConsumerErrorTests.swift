import Foundation
import Kafka
import Pipeline
import XCTest

/// Records the consumer cannot read stop their partition there (or are stepped over when the
/// operator opts in); outputs written twice after a "possibly persisted" report are counted.
final class ConsumerErrorTests: XCTestCase {
    /// "in" with offsets 0-2 good, 3-4 a batch with a wrong CRC (read with check.crcs=true),
    /// 5-7 good.
    private func clusterWithCorruptBatch() throws -> MockCluster {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        try cluster.createTopic("in", partitions: 1)
        try cluster.createTopic("out", partitions: 1)
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<3).map(TestModel.sentence))
        let code = try RawProduce.corruptBatch(address: cluster.bootstrapServers, topic: "in", partition: 0,
                                               values: [Array("a good film".utf8), Array("a bad film".utf8)])
        XCTAssertEqual(code, 0, "the mock stores the batch as sent")
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", values: (5..<8).map { Array(TestModel.sentence($0).utf8) },
                                     key: { Array("k-\($0 + 5)".utf8) })
        return cluster
    }

    private let checkCRCs = [("consumer.check.crcs", "true")]

    func testUnreadableRecordStopsItsPartitionThere() async throws {
        let cluster = try clusterWithCorruptBatch()
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-corrupt",
                                     metrics: true, extraKafka: checkCRCs)
        serve.start()
        try await serve.waitUntil("stall") { serve.pipeline.health.stalledPartitions.count == 1 }
        let port = try XCTUnwrap(serve.metricsPort.all.first)
        let (body, status) = try await KafkaTestSupport.get(port: port, "/readyz")
        XCTAssertEqual(status, 503)
        XCTAssertTrue(body.contains("stalled in[0]: at offset 3: unreadable record: _BAD_MSG"), body)
        XCTAssertEqual(serve.metric(#"fastbert_unreadable_records_total{action="stopped"}"#), 1)
        try await serve.waitUntil("commit") {
            try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-corrupt", topic: "in", partitions: 1)[0] == 3
        }
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: 3, settle: .seconds(1))
        try await serve.stop()
        XCTAssertEqual(outputs.compactMap(\.keyString).sorted(), ["k-0", "k-1", "k-2"], "nothing past the unreadable record")
        XCTAssertEqual(try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-corrupt", topic: "in", partitions: 1)[0], 3,
                       "never committed past it, not even on shutdown")
    }

    func testSkippingUnreadableRecordsIsOptIn() async throws {
        let cluster = try clusterWithCorruptBatch()
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-skip",
                                     extraKafka: checkCRCs) { $0.processing.skipUnreadableRecords = true }
        serve.start()
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: 6, settle: .seconds(1))
        try await serve.waitUntil("commit") {
            try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-skip", topic: "in", partitions: 1)[0] == 8
        }
        XCTAssertEqual(outputs.compactMap(\.keyString).sorted(), ["k-0", "k-1", "k-2", "k-5", "k-6", "k-7"])
        XCTAssertEqual(serve.metric(#"fastbert_unreadable_records_total{action="skipped"}"#), 1, "counted once, however often it is fetched")
        XCTAssertTrue(serve.pipeline.health.isReady)
        try await serve.stop()
    }

    func testReplayFailsOnAnUnreadableRecordUnlessSkipping() throws {
        let cluster = try clusterWithCorruptBatch()
        var configuration = ReplayConfiguration(
            brokers: cluster.bootstrapServers, inputTopic: "in", start: .offset(0), end: .end,
            processing: ProcessingSettings(exit: .speed(0.3), routing: OutputRouting(outputTopic: "out")),
            kafkaProperties: checkCRCs, showProgress: false)
        let strict = ReplayPipeline(configuration: configuration, model: try TestModel.loaded(), logger: KafkaTestSupport.quietLogger)
        switch strict.runBlocking() {
        case .success(let summary): XCTFail("succeeded: \(summary)")
        case .failure(let error):
            XCTAssertTrue("\(error)".contains("in[0]: unreadable record at offset 3 (_BAD_MSG"), "\(error)")
            XCTAssertTrue("\(error)".contains("not read: in[0] 3..<8"), "\(error)")
        }
        configuration.processing.skipUnreadableRecords = true
        let lenient = ReplayPipeline(configuration: configuration, model: try TestModel.loaded(), logger: KafkaTestSupport.quietLogger)
        let summary = try lenient.runBlocking().get()
        XCTAssertEqual(summary.unreadable, 1)
        XCTAssertEqual(summary.processed, 6)
    }

    /// Outputs whose delivery report says "possibly persisted" (the request timed out after it
    /// was sent) are resent: the output topic may then hold them twice, and
    /// fastbert_possible_duplicates_total counts every such resend.
    func testPossiblyPersistedOutputsAreResentAndCounted() async throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        try cluster.createTopic("in", partitions: 1)
        try cluster.createTopic("out", partitions: 1)
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-dup",
                                     extraKafka: [("producer.message.timeout.ms", "1000"), ("producer.request.timeout.ms", "900")])
        serve.start()
        try await serve.waitUntil("ready") { serve.pipeline.health.isReady }
        let count = 20
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<count).map(TestModel.sentence))
        // Responses slower than the producer's timeouts: the broker stores what it is sent, the
        // producer hears nothing in time.
        try cluster.setBrokerRTT(1, milliseconds: 2500)
        try await serve.waitUntil("possibly persisted reports") { (serve.metric("fastbert_possible_duplicates_total") ?? 0) > 0 }
        try cluster.setBrokerRTT(1, milliseconds: 0)
        try await serve.waitUntil("commit") {
            try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-dup", topic: "in", partitions: 1)[0] == Int64(count)
        }
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: count, settle: .seconds(2))
        try await serve.stop()
        let offsets = outputs.compactMap { ($0.json?["source"] as? [String: Any])?["offset"] as? Int }
        XCTAssertEqual(Set(offsets).count, count, "every input answered")
        let duplicates = offsets.count - Set(offsets).count
        let counted = Int(serve.metric("fastbert_possible_duplicates_total") ?? 0)
        print("possibly persisted: \(counted) resend(s) counted, \(duplicates) duplicate output(s) found")
        XCTAssertLessThanOrEqual(duplicates, counted, "every duplicate was counted")
    }
}
