import Foundation
import Kafka
import Pipeline
import XCTest

/// Topics are checked before serve or replay start: a missing or unauthorized topic is a clear
/// error and a non-zero exit. (librdkafka 2.0.2's mock creates any topic it is asked about, so
/// a missing topic is made by `setTopicError(..., .unknownTopicOrPartition)`.)
final class StartupCheckTests: XCTestCase {
    func testMissingOrUnauthorizedTopicsStopServeAtStartup() async throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        for t in ["in", "out", "dlq"] { try cluster.createTopic(t, partitions: 1) }
        try cluster.setTopicError("dlq", .unknownTopicOrPartition)
        let missing = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-check", dlq: "dlq")
        missing.start()
        await assertThrows(try await missing.stop(), "invalid configuration: the dead-letter topic 'dlq' does not exist (UNKNOWN_TOPIC_OR_PART)")
        XCTAssertEqual(missing.pipeline.health.current, .failed)

        try cluster.setTopicError("out", .topicAuthorizationFailed)
        let unauthorized = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-check")
        unauthorized.start()
        await assertThrows(try await unauthorized.stop(),
                           "invalid configuration: the output topic 'out' is not authorized for this client (TOPIC_AUTHORIZATION_FAILED)")

        try cluster.setTopicError("in", .unknownTopicOrPartition)
        let noInput = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "dlq", group: "g-check")
        noInput.start()
        await assertThrows(try await noInput.stop(), "the input topic 'in' does not exist")
    }

    func testServeAndReplayExitNonZeroNamingTheMissingTopic() async throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        for t in ["in", "out"] { try cluster.createTopic(t, partitions: 1) }
        try cluster.setTopicError("missing", .unknownTopicOrPartition)
        let serve = try ChildProcess(serveArguments(bootstrap: cluster.bootstrapServers, input: "in", output: "missing", group: "g-exit"))
        let serveStatus = await serve.wait(timeout: .seconds(60))
        XCTAssertEqual(serveStatus, 1)
        XCTAssertTrue(serve.stderr.contains("the output topic 'missing' does not exist"), serve.stderr)

        let replay = try ChildProcess([
            "replay", "--brokers", cluster.bootstrapServers, "--input-topic", "missing", "--output-topic", "out",
            "--from-offset", "0", "--to-end", "--model", TestModel.directory, "--no-progress", "--log-level", "warning",
        ])
        let replayStatus = await replay.wait(timeout: .seconds(60))
        XCTAssertEqual(replayStatus, 1)
        XCTAssertTrue(replay.stderr.contains("the input topic 'missing' does not exist"), replay.stderr)
    }

    private func assertThrows(
        _ body: @autoclosure () async throws -> Void, _ text: String, file: StaticString = #filePath, line: UInt = #line
    ) async {
        do {
            try await body()
            XCTFail("no error; expected '\(text)'", file: file, line: line)
        } catch {
            XCTAssertTrue("\(error)".contains(text), "\(error)", file: file, line: line)
        }
    }
}
