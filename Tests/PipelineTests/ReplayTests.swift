import Foundation
import Kafka
import Pipeline
import XCTest

/// `replay`: fixed ranges by offset and by timestamp (the mock answers offsets-for-times with
/// -1, so the timestamp path exercises the scan-and-filter fallback).
final class ReplayTests: XCTestCase {
    private func replay(_ bootstrap: String, output: String, start: ReplayStart, end: ReplayEnd) throws -> ReplaySummary {
        let configuration = ReplayConfiguration(
            brokers: bootstrap, inputTopic: "in", start: start, end: end,
            processing: ProcessingSettings(exit: .speed(0.3), maxBatch: 16, maxWait: .milliseconds(5),
                                           routing: OutputRouting(outputTopic: output)),
            showProgress: false)
        let pipeline = ReplayPipeline(configuration: configuration, model: try TestModel.loaded(), logger: KafkaTestSupport.quietLogger)
        return try pipeline.runBlocking().get()
    }

    func testOffsetRangeGivesExactlyItsCount() throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        try cluster.createTopic("in", partitions: 3)
        try cluster.createTopic("out", partitions: 3)
        for p in Int32(0)..<3 {
            try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<200).map(TestModel.sentence), partition: p)
        }
        let summary = try replay(cluster.bootstrapServers, output: "out", start: .offset(50), end: .offset(150))
        XCTAssertEqual(summary.processed, 300)
        XCTAssertEqual(summary.rangeSize, 300)
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: 300, settle: .seconds(1))
        XCTAssertEqual(outputs.count, 300, "exactly the range, nothing past its end")
        let offsets = outputs.compactMap { ($0.json?["source"] as? [String: Any])?["offset"] as? Int }
        XCTAssertEqual(offsets.min(), 50)
        XCTAssertEqual(offsets.max(), 149)

        // The end is captured at start: a second replay to the end sees exactly what was there.
        let all = try replay(cluster.bootstrapServers, output: "out2", start: .offset(0), end: .end)
        XCTAssertEqual(all.processed, 600)
    }

    func testTimestampRangeFallsBackToScanning() throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        try cluster.createTopic("in", partitions: 2)
        try cluster.createTopic("out", partitions: 2)
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<120).map(TestModel.sentence))
        Thread.sleep(forTimeInterval: 0.05)
        let from = Int64(Date().timeIntervalSince1970 * 1000)
        Thread.sleep(forTimeInterval: 0.05)
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<80).map(TestModel.sentence))
        Thread.sleep(forTimeInterval: 0.05)
        let to = Int64(Date().timeIntervalSince1970 * 1000)
        Thread.sleep(forTimeInterval: 0.05)
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<30).map(TestModel.sentence))

        let summary = try replay(cluster.bootstrapServers, output: "out", start: .timestamp(from), end: .timestamp(to))
        XCTAssertEqual(summary.processed, 80)
        XCTAssertEqual(summary.filtered, 150)
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: 80, settle: .seconds(1))
        XCTAssertEqual(outputs.count, 80)
    }

    func testReplayIsDeterministic() throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        try cluster.createTopic("in", partitions: 2)
        for t in ["a", "b"] { try cluster.createTopic(t, partitions: 2) }
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", values: (0..<100).map { Array(TestModel.sentence($0).utf8) }, key: nil)
        _ = try replay(cluster.bootstrapServers, output: "a", start: .offset(0), end: .end)
        _ = try replay(cluster.bootstrapServers, output: "b", start: .offset(0), end: .end)
        func digest(_ topic: String) throws -> [String] {
            try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: topic, count: 100).map { m in
                var json = m.json ?? [:]
                json["processing_latency_ms"] = nil
                let source = json["source"] as? [String: Any]
                return "\(m.partition)/\(source?["partition"] ?? "")/\(source?["offset"] ?? "")/\(json["label"] ?? "")/\(json["exit_layer"] ?? "")"
            }.sorted()
        }
        XCTAssertEqual(try digest("a"), try digest("b"), "same placement, labels and exits (latency aside)")
    }
}
