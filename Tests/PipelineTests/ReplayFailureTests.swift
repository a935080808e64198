import Foundation
import Kafka
import Pipeline
import XCTest

/// A replay that cannot cover its whole range fails, naming the partition and the offsets, and
/// never exits 0 (docs/pipeline.md, "Replay fails loudly").
final class ReplayFailureTests: XCTestCase {
    private func configuration(_ bootstrap: String, start: ReplayStart = .offset(0)) -> ReplayConfiguration {
        ReplayConfiguration(
            brokers: bootstrap, inputTopic: "in", start: start, end: .end,
            processing: ProcessingSettings(exit: .speed(0.3), maxBatch: 16, maxWait: .milliseconds(5), routing: OutputRouting(outputTopic: "out")),
            showProgress: false)
    }

    private func replay(_ configuration: ReplayConfiguration) throws -> ReplayPipeline {
        ReplayPipeline(configuration: configuration, model: try TestModel.loaded(), logger: KafkaTestSupport.quietLogger)
    }

    private func failure(_ result: Result<ReplaySummary, PipelineError>, file: StaticString = #filePath, line: UInt = #line) -> String {
        switch result {
        case .success(let summary):
            XCTFail("the replay succeeded: \(summary)", file: file, line: line)
            return ""
        case .failure(let error):
            return "\(error)"
        }
    }

    private func cluster(partitions: Int32) throws -> MockCluster {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        try cluster.createTopic("in", partitions: partitions)
        try cluster.createTopic("out", partitions: partitions)
        return cluster
    }

    /// Retention deleted the start of the range (the mock keeps 5 MB per partition): refused
    /// before anything is read, in-process and as `fastbert replay`'s exit status.
    func testRangeStartBelowTheLowWatermark() async throws {
        let cluster = try cluster(partitions: 1)
        let value = [UInt8](repeating: UInt8(ascii: "a"), count: 100_000)
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", values: Array(repeating: value, count: 70))
        let admin = try KafkaAdmin(config: cluster.clientConfig(), logger: KafkaTestSupport.quietLogger)
        let low = try admin.watermarks(topic: "in", partition: 0).low
        XCTAssertGreaterThan(low, 0, "the mock pruned the oldest batches")

        let text = failure(try replay(configuration(cluster.bootstrapServers)).runBlocking())
        XCTAssertTrue(text.contains("replay incomplete: in[0]: the range starts at offset 0, but the oldest offset still on the broker is \(low)"), text)

        let child = try ChildProcess([
            "replay", "--brokers", cluster.bootstrapServers, "--input-topic", "in", "--output-topic", "out",
            "--from-offset", "0", "--to-end", "--model", TestModel.directory, "--no-progress", "--log-level", "warning",
        ])
        let status = await child.wait(timeout: .seconds(60))
        XCTAssertEqual(status, 1)
        XCTAssertTrue(child.stderr.contains("offsets 0..<\(low) were deleted"), child.stderr)
        XCTAssertFalse(child.stdout.contains("replayed"), "no success summary")

        let fromLow = try replay(configuration(cluster.bootstrapServers, start: .offset(low))).runBlocking()
        XCTAssertEqual(try fromLow.get().processed, 70 - low, "starting at the low watermark works")
    }

    /// The fetch position vanishes while reading (auto.offset.reset=error reports it).
    func testOffsetResetWhileReading() throws {
        let cluster = try cluster(partitions: 1)
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<50).map(TestModel.sentence))
        try cluster.pushRequestErrors(apiKey: .fetch, errors: [.offsetOutOfRange])
        let text = failure(try replay(configuration(cluster.bootstrapServers)).runBlocking())
        XCTAssertTrue(text.contains("in[0]: offset 0 is no longer on the broker (_AUTO_OFFSET_RESET"), text)
        XCTAssertTrue(text.contains("not read: in[0] 0..<50"), text)
    }

    /// The input topic is deleted mid-replay: the replay fails (instead of waiting forever)
    /// and returns (librdkafka 2.0.2 could not destroy the consumer, see abandonHandle).
    func testDeletedTopicFailsTheReplay() async throws {
        let cluster = try cluster(partitions: 2)
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<20_000).map(TestModel.sentence))
        let pipeline = try replay(configuration(cluster.bootstrapServers))
        let result = Collected<Result<ReplaySummary, PipelineError>>()
        let thread = Thread { result.append(pipeline.runBlocking()) }
        thread.start()
        try await waitFor("first records") { self.metric(pipeline, "fastbert_messages_in_total") > 0 }
        try cluster.pushRequestErrors(apiKey: .fetch, errors: Array(repeating: .unknownTopicOrPartition, count: 10_000))
        try cluster.setTopicError("in", .unknownTopicOrPartition)
        try await waitFor("the replay to end", timeout: .seconds(60)) { !result.all.isEmpty }
        let text = failure(try XCTUnwrap(result.all.first))
        XCTAssertTrue(text.contains("the input topic 'in' is gone (UNKNOWN_TOPIC_OR_PART); not read: in[0] "), text)
        try cluster.clearRequestErrors(apiKey: .fetch)
    }

    /// Stopped (SIGTERM) before the end of the range: an error listing what was not read.
    func testInterruptedReplayIsAnError() async throws {
        let cluster = try cluster(partitions: 1)
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<20_000).map(TestModel.sentence))
        let pipeline = try replay(configuration(cluster.bootstrapServers))
        let result = Collected<Result<ReplaySummary, PipelineError>>()
        let thread = Thread { result.append(pipeline.runBlocking()) }
        thread.start()
        try await waitFor("first records") { self.metric(pipeline, "fastbert_messages_in_total") > 0 }
        pipeline.stop()
        try await waitFor("the replay to end", timeout: .seconds(60)) { !result.all.isEmpty }
        let text = failure(try XCTUnwrap(result.all.first))
        XCTAssertTrue(text.contains("replay incomplete: interrupted after "), text)
        XCTAssertTrue(text.contains(" of 20000 offset(s); not read: in[0] "), text)
    }

    private func metric(_ pipeline: ReplayPipeline, _ name: String) -> Double {
        pipeline.metrics.exposition().split(separator: "\n").first { $0.hasPrefix(name + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    private func waitFor(_ what: String, timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw HarnessError("\(what) not reached after \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
