import FastBERT
import Foundation
import Kafka
@testable import Pipeline
import XCTest

/// serve with per-layer pools (`--max-pool-wait-ms`) over the mock cluster.
final class ServePoolsTests: XCTestCase {
    /// Every input gets exactly one output with the label and exit layer the engine gives it
    /// directly (records with a `fastbert-speed` header at their own speed), and offsets are
    /// committed to the end.
    func testPooledServeGivesTheEnginesAnswersOncePerInputAndCommitsToTheEnd() async throws {
        let count = 1500, speed: Float = 0.3
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        for t in ["in", "out"] { try cluster.createTopic(t, partitions: 3) }
        let texts = (0..<count).map(TestModel.sentence)
        let headerSpeed: (Int) -> Float? = { $0 % 10 == 4 ? 0 : $0 % 10 == 7 ? 1 : nil }
        let headers: [[KafkaHeader]] = texts.indices.map { i in
            headerSpeed(i).map { [KafkaHeader(ExitControl.speedHeader, Array(String($0).utf8))] } ?? []
        }
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", values: texts.map { Array($0.utf8) }, headers: headers)

        let bundle = try TestModel.loaded()
        let engine = try EarlyExitEngine(model: bundle.model, threads: 1)
        let expected = try texts.indices.map { i in
            try engine.classify([bundle.tokenIds(texts[i])], speed: headerSpeed(i) ?? speed)[0]
        }
        XCTAssertGreaterThan(Set(expected.map(\.exitLayer)).count, 2, "the test model exits at several depths")

        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-pools",
                                     speed: speed, maxBatch: 16) { $0.processing.maxPoolWait = .milliseconds(40) }
        serve.start()
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: count,
                                                   timeout: .seconds(120), settle: .seconds(1))
        try await serve.stop()

        XCTAssertEqual(outputs.count, count, "exactly one output per input")
        var seen = Set<Int>()
        for message in outputs {
            let json = try XCTUnwrap(message.json)
            let index = try XCTUnwrap(Int(try XCTUnwrap(message.keyString).dropFirst(2)))
            XCTAssertTrue(seen.insert(index).inserted, "input \(index) answered twice")
            XCTAssertEqual(json["label"] as? String, bundle.labels[expected[index].label], "input \(index)")
            XCTAssertEqual(json["exit_layer"] as? Int, expected[index].exitLayer, "input \(index)")
            XCTAssertEqual(json["exit"] as? String, headerSpeed(index) == nil ? "speed" : "header", "input \(index)")
        }
        XCTAssertEqual(seen.count, count)
        try KafkaTestSupport.assertCommittedToEnd(cluster, group: "g-pools", partitions: 3)
    }

    /// Records held in a pool whose wait is far away are flushed, published and committed by a
    /// graceful stop.
    func testDrainFlushesThePools() async throws {
        let count = 10
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        for t in ["in", "out"] { try cluster.createTopic(t, partitions: 1) }
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<count).map(TestModel.sentence))
        // Fewer records than a pool's target and a wait longer than the test: they stay pooled.
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-pool-drain",
                                     speed: 0, maxBatch: 32) { $0.processing.maxPoolWait = .seconds(600) }
        serve.start()
        try await serve.waitUntil("records consumed") { serve.metric("fastbert_messages_in_total") == Double(count) }
        XCTAssertEqual(serve.metric("fastbert_messages_out_total") ?? 0, 0, "pooled, not yet classified")
        try await serve.stop()

        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: count, timeout: .seconds(30))
        XCTAssertEqual(Set(outputs.compactMap(\.keyString)).count, count)
        try KafkaTestSupport.assertCommittedToEnd(cluster, group: "g-pool-drain", partitions: 1)
    }

    /// A negative wait is a usage error (status 64) from the command line and from the
    /// environment (whose value used to reach ArgumentParser as a separate '-5' token), for serve and replay.
    func testANegativePoolWaitIsRefusedBeforeAnythingStarts() async throws {
        let serveArgs = serveArguments(bootstrap: "127.0.0.1:1", input: "in", output: "out", group: "g")
        let runs: [([String], [String: String])] = [
            (serveArgs + ["--max-pool-wait-ms=-5"], [:]),
            (serveArgs, ["FASTBERT_SERVE_MAX_POOL_WAIT_MS": "-5"]),
            (["replay", "--brokers", "127.0.0.1:1", "--input-topic", "in", "--output-topic", "out", "--max-pool-wait-ms=-1"], [:]),
        ]
        for (arguments, environment) in runs {
            let child = try ChildProcess(arguments, environment: environment)
            let status = await child.wait(timeout: .seconds(60))
            XCTAssertEqual(status, 64, "a usage error: \(arguments.last ?? "") \(environment)")
            XCTAssertTrue(child.stderr.contains("--max-pool-wait-ms must not be negative"), child.stderr)
        }
    }
}
