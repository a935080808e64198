import FastBERT
import Foundation
import Kafka
@testable import Pipeline
import XCTest

/// Which exit a record runs under in serve: --speed, a calibrated policy, adaptive speed under a
/// burst, and a record's own `fastbert-speed` header.
final class ExitControlTests: XCTestCase {
    private let second: UInt64 = 1_000_000_000

    func testAdaptiveSpeedRisesStepByStepUnderLagAndFallsBackToBase() {
        var c = SpeedController(AdaptiveSpeed(baseSpeed: 0.1, maxSpeed: 0.5, targetLag: 100), nowNanos: 0)
        XCTAssertNil(c.observe(lag: 5_000, nowNanos: second / 2), "no move before a tick has passed")
        var rising: [Float] = []
        for t in 1...6 { if let s = c.observe(lag: 5_000, nowNanos: UInt64(t) * second) { rising.append(s) } }
        XCTAssertEqual(rising.count, 4, "four quarter steps from base to maximum: \(rising)")
        XCTAssertEqual(rising.last, 0.5)
        XCTAssertNil(c.observe(lag: 80, nowNanos: 7 * second), "between half the target and the target the speed holds")
        var falling: [Float] = []
        for t in 8...14 { if let s = c.observe(lag: 10, nowNanos: UInt64(t) * second) { falling.append(s) } }
        XCTAssertEqual(falling.count, 4, "\(falling)")
        XCTAssertEqual(c.speed, 0.1, "back to exactly --speed")
    }

    func testQueueWaitAlsoCountsAsBacklogWhenTargeted() {
        var c = SpeedController(AdaptiveSpeed(baseSpeed: 0, maxSpeed: 0.4, targetWait: .milliseconds(100)), nowNanos: 0)
        _ = c.observe(waitNanos: 300_000_000, nowNanos: second / 2)
        XCTAssertEqual(c.observe(waitNanos: 10_000_000, nowNanos: second), 0.1, "the worst wait of the window counts")
        XCTAssertNil(c.observe(waitNanos: 60_000_000, nowNanos: 2 * second), "over half the wait target: hold")
        XCTAssertEqual(c.observe(waitNanos: 10_000_000, nowNanos: 3 * second), 0)
    }

    func testSpeedHeaderIsParsedOrRejected() {
        func message(_ value: String?) -> KafkaMessage {
            KafkaMessage(topic: "in", partition: 0, offset: 0, key: nil, value: Array("x".utf8),
                         headers: value.map { [KafkaHeader(ExitControl.speedHeader, Array($0.utf8))] } ?? [])
        }
        XCTAssertNil(ExitControl.headerSpeed(message(nil)))
        XCTAssertEqual(try ExitControl.headerSpeed(message(" 0 "))?.get(), 0)
        XCTAssertEqual(try ExitControl.headerSpeed(message("0.25"))?.get(), 0.25)
        for bad in ["fast", "1.5", "-0.1", "nan", ""] {
            guard case .failure(let rejection) = ExitControl.headerSpeed(message(bad)) else {
                return XCTFail("'\(bad)' accepted")
            }
            XCTAssertEqual(rejection.reason, .invalidHeader)
        }
    }

    /// Speed 1 sends everyone out at layer 1; a `fastbert-speed: 0` record still gets full depth,
    /// and a malformed header is a dead letter naming the header.
    func testSpeedHeaderForcesFullDepthForThatRecordOnly() async throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        for t in ["in", "out", "dlq"] { try cluster.createTopic(t, partitions: 1) }
        let texts = (0..<40).map(TestModel.sentence)
        let headers: [[KafkaHeader]] = texts.indices.map { i in
            i % 10 == 3 ? [KafkaHeader(ExitControl.speedHeader, Array("0".utf8))]
                : i == 7 ? [KafkaHeader(ExitControl.speedHeader, Array("urgent".utf8))] : []
        }
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", values: texts.map { Array($0.utf8) }, headers: headers)
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-header",
                                     dlq: "dlq", exit: .speed(1))
        serve.start()
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: texts.count - 1)
        let dead = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "dlq", count: 1)
        try await serve.stop()

        let layers = try TestModel.loaded().numLayers
        for output in outputs {
            let json = try XCTUnwrap(output.json)
            let offset = try XCTUnwrap((json["source"] as? [String: Any])?["offset"] as? Int)
            if offset % 10 == 3 {
                XCTAssertEqual(json["exit"] as? String, "header", "offset \(offset)")
                XCTAssertEqual(json["exit_layer"] as? Int, layers, "offset \(offset)")
                XCTAssertEqual(json["speed"] as? Double, 0)
            } else {
                XCTAssertEqual(json["exit"] as? String, "speed", "offset \(offset)")
                XCTAssertEqual(json["exit_layer"] as? Int, 1, "offset \(offset)")
            }
        }
        XCTAssertNil(try SchemaValidator.failures(schema: "output.schema.json", documents: outputs.compactMap(\.value)))
        XCTAssertEqual(dead.first?.headerStrings[DeadLetterHeaders.reason], "invalid_header")
        XCTAssertEqual(dead.first?.headerStrings[DeadLetterHeaders.sourceOffset], "7")
        XCTAssertTrue(dead.first?.headerStrings[DeadLetterHeaders.message]?.contains("fastbert-speed header 'urgent'") ?? false,
                      "\(dead.first?.headerStrings ?? [:])")
    }

    /// A calibrated per-layer policy is what serve runs: outputs say so and match the engine's
    /// direct answers under that policy.
    func testServeRunsACalibratedPolicy() async throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        for t in ["in", "out"] { try cluster.createTopic(t, partitions: 1) }
        let texts = (0..<200).map(TestModel.sentence)
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: texts)
        let bundle = try TestModel.loaded()
        let engine = try EarlyExitEngine(model: bundle.model, threads: 1)
        // Layer 1 lets the more confident half go (threshold at the median of its score), later students none.
        let entropies = try engine.trace(PackedBatch(texts.map(bundle.tokenIds))).map { $0.entropy[0] }.sorted()
        let policy = ExitPolicy(criterion: .entropy,
                                thresholds: [entropies[entropies.count / 2]] + Array(repeating: 0, count: bundle.numLayers - 2))
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-calibrated",
                                     exit: .calibrated(policy), metrics: true)
        serve.start()
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: texts.count)
        try await serve.stop()

        let direct = try engine.classify(texts.map(bundle.tokenIds), policy: policy)
        XCTAssertEqual(outputs.count, texts.count)
        var early = 0
        for output in outputs {
            let json = try XCTUnwrap(output.json)
            let offset = try XCTUnwrap((json["source"] as? [String: Any])?["offset"] as? Int)
            XCTAssertEqual(json["exit"] as? String, "calibrated")
            XCTAssertNil(json["speed"], "no single speed describes a per-layer policy")
            XCTAssertEqual(json["exit_layer"] as? Int, direct[offset].exitLayer, "offset \(offset)")
            XCTAssertEqual(json["label_id"] as? Int, direct[offset].label, "offset \(offset)")
            if direct[offset].exitLayer == 1 { early += 1 }
        }
        XCTAssertGreaterThan(early, 0, "the policy lets some records leave at layer 1")
        XCTAssertLessThan(early, texts.count, "and keeps others to the last layer")
        XCTAssertEqual(serve.metric("fastbert_speed"), -1)
        XCTAssertNil(try SchemaValidator.failures(schema: "output.schema.json", documents: outputs.compactMap(\.value)))
    }

    /// A burst far past what the consumer keeps up with: the speed rises (logged, and in the
    /// metric and the outputs) while the group lags, and comes back to --speed once it has drained.
    func testAdaptiveSpeedRisesUnderABurstAndFallsBackAfterIt() async throws {
        let count = 6_000
        let cluster = try KafkaTestSupport.clusterWithInput(brokers: 1, partitions: 2, count: count)
        let logs = LogCapture()
        let adaptive = AdaptiveSpeed(baseSpeed: 0.05, maxSpeed: 0.85, targetLag: 200, tick: .milliseconds(150))
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-adaptive",
                                     exit: .adaptive(adaptive), maxBatch: 16, logger: logs.logger(level: .info)) {
            $0.lagInterval = .milliseconds(100)
        }
        var peak = 0.0
        serve.start()
        try await serve.waitUntil("all \(count) records committed", timeout: .seconds(120)) {
            peak = max(peak, serve.metric("fastbert_speed") ?? 0)
            return (serve.metric("fastbert_messages_out_total") ?? 0) >= Double(count)
        }
        try await serve.waitUntil("speed back at base after the burst", timeout: .seconds(60)) {
            serve.metric("fastbert_speed") == Double(adaptive.baseSpeed)
        }
        try await serve.stop()
        XCTAssertGreaterThan(peak, Double(adaptive.baseSpeed), "the speed rose during the burst")
        XCTAssertFalse(logs.matching("adaptive speed now").isEmpty, "changes are logged")
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: count)
        let speeds = outputs.compactMap { $0.json }.filter { $0["exit"] as? String == "adaptive" }.compactMap { $0["speed"] as? Double }
        XCTAssertEqual(speeds.count, count, "every output names the adaptive exit")
        XCTAssertGreaterThan(speeds.max() ?? 0, Double(adaptive.baseSpeed) + 0.01, "some outputs ran at a raised speed")
    }
}
