import Kafka
@testable import Pipeline
import XCTest

/// `fastbert_ready`, `fastbert_committed_offset`, `fastbert_model_info` and the per-layer time
/// counters: unit checks, then serve on a mock cluster scraped over HTTP.
final class OperationsMetricsTests: XCTestCase {
    func testReadyGaugeFollowsReadyz() {
        let health = PipelineHealth(), metrics = PipelineMetrics(numLayers: 2)
        health.observeReadiness { [ready = metrics.ready] in ready.record($0 ? 1 : 0) }
        let ready = { ScrapedMetrics(metrics.exposition())["fastbert_ready"] }
        XCTAssertEqual(ready(), 0, "starting")
        health.set(.ready)
        XCTAssertEqual(ready(), 1)
        health.setStalled([TopicPartition(topic: "in", partition: 0): "stuck"])
        XCTAssertFalse(health.isReady)
        XCTAssertEqual(ready(), 0, "a stalled partition makes /readyz answer 503")
        health.setStalled([:])
        XCTAssertEqual(ready(), 1)
        health.set(.draining)
        XCTAssertEqual(ready(), 0)
        health.set(.ready)
        health.set(.stopped)
        health.set(.ready)
        XCTAssertEqual(ready(), 0, "stopped is final")
    }

    func testCommittedOffsetLeavesOutFailedAndLogicalOffsets() {
        let metrics = PipelineMetrics(numLayers: 2)
        metrics.recordCommitted([
            TopicPartitionOffset(topic: "in", partition: 0, offset: 42),
            TopicPartitionOffset(topic: "in", partition: 1, offset: 7, error: KafkaError(code: .rebalanceInProgress, message: "x")),
            TopicPartitionOffset(topic: "in", partition: 2, offset: KafkaOffset.invalid),
        ])
        let scraped = ScrapedMetrics(metrics.exposition())
        XCTAssertEqual(scraped.series("fastbert_committed_offset"), [#"fastbert_committed_offset{topic="in",partition="0"}"#: 42])
    }

    func testServeExportsReadinessCommitsModelAndLayerTime() async throws {
        let partitions = 2, first = 120
        let cluster = try KafkaTestSupport.clusterWithInput(brokers: 1, partitions: Int32(partitions), count: first)
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "ops-metrics", metrics: true)
        serve.start()
        try await serve.waitUntil("all classified") { serve.metric("fastbert_messages_out_total") == Double(first) }
        let port = try XCTUnwrap(serve.metricsPort.all.first)
        let admin = try KafkaAdmin(config: KafkaConfig(bootstrapServers: cluster.bootstrapServers), logger: KafkaTestSupport.quietLogger)
        let highs = try (0..<Int32(partitions)).map { try admin.watermarks(topic: "in", partition: $0).high }
        try await serve.waitUntil("commits exported") {
            (0..<partitions).allSatisfy { serve.metric(#"fastbert_committed_offset{topic="in",partition="\#($0)"}"#) == Double(highs[$0]) }
        }

        let scraped = try await ScrapedMetrics.scrape(port: port)
        let (_, readyz) = try await KafkaTestSupport.get(port: port, "/readyz")
        XCTAssertEqual(readyz, 200)
        XCTAssertEqual(scraped["fastbert_ready"], 1)
        let committed = try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "ops-metrics", topic: "in", partitions: partitions)
        for p in 0..<partitions {
            XCTAssertEqual(scraped[#"fastbert_committed_offset{topic="in",partition="\#(p)"}"#], committed[Int32(p)].map(Double.init),
                           "partition \(p): the gauge is what the group committed")
        }
        let model = try TestModel.loaded()
        XCTAssertEqual(scraped[#"fastbert_model_info{model="\#(model.modelId)"}"#], 1)

        let layers = scraped.series("fastbert_layer_seconds_total")
        XCTAssertEqual(layers.count, model.numLayers, "one series per layer")
        XCTAssertGreaterThan(scraped[#"fastbert_layer_seconds_total{layer="1"}"#] ?? 0, 0, "every sample runs layer 1")
        XCTAssertEqual(scraped.series("fastbert_classifier_seconds_total").count, model.numLayers)

        // More input: layer 1's time grows.
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (first..<(first + 60)).map(TestModel.sentence))
        try await serve.waitUntil("second batch classified") { serve.metric("fastbert_messages_out_total") == Double(first + 60) }
        let later = try await ScrapedMetrics.scrape(port: port)
        XCTAssertGreaterThan(later[#"fastbert_layer_seconds_total{layer="1"}"#] ?? 0, scraped[#"fastbert_layer_seconds_total{layer="1"}"#] ?? 0)
        let layerSum = later.series("fastbert_layer_seconds_total").values.reduce(0, +)
            + later.series("fastbert_classifier_seconds_total").values.reduce(0, +)
        let inference = try XCTUnwrap(later["fastbert_inference_seconds_sum"])
        XCTAssertLessThanOrEqual(layerSum, inference * 1.001 + 0.001, "layer time is part of the batches' inference time")

        try await serve.stop()
        XCTAssertEqual(serve.metric("fastbert_ready"), 0, "not ready once stopped")
    }
}

/// After a rebalance only the owner of a partition reports its lag and committed offset.
final class RevokedPartitionMetricsTests: XCTestCase {
    func testRevokedPartitionsStopReportingLagAndCommits() async throws {
        let partitions = 4
        let cluster = try KafkaTestSupport.clusterWithInput(brokers: 1, partitions: Int32(partitions), count: 400)
        let first = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "ops-revoke")
        first.start()
        let all = Set(0..<partitions)
        try await first.waitUntil("first member reports every partition") {
            Self.partitions(first, "fastbert_consumer_lag") == all && Self.partitions(first, "fastbert_committed_offset") == all
        }
        let second = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "ops-revoke")
        second.start()
        try await second.waitUntil("second member got partitions") { !Self.partitions(second, "fastbert_consumer_lag").isEmpty }
        try await first.waitUntil("each partition reported by one member") {
            let (a, b) = (Self.partitions(first, "fastbert_consumer_lag"), Self.partitions(second, "fastbert_consumer_lag"))
            return a.isDisjoint(with: b) && a.union(b) == all
                && Self.partitions(first, "fastbert_committed_offset").isSubset(of: a)
        }
        try await second.stop()
        try await first.stop()
    }

    /// Partitions of "in" with a series of `name` in the member's metrics.
    private static func partitions(_ serve: ServeHarness, _ name: String) -> Set<Int> {
        Set(ScrapedMetrics(serve.pipeline.metrics.exposition()).series(name).keys.compactMap { key in
            key.range(of: #"partition="(\d+)""#, options: .regularExpression)
                .flatMap { Int(key[$0].dropFirst(11).dropLast()) }
        })
    }
}
