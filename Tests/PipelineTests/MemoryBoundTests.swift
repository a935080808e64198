import Foundation
import Kafka
import Pipeline
import XCTest

/// In-flight memory is bounded by one setting (`maxInFlightBytes` / `--max-in-flight-bytes`):
/// with every output stuck (leaderless output partitions), consumption pauses at the budget
/// instead of reading the whole input into memory.
final class MemoryBoundTests: XCTestCase {
    private static let valueBytes = 16_000
    private static let text = String(repeating: "good film ", count: valueBytes / 10)

    /// "in" and "out" with `partitions` each, `perPartition` 16 kB records in every input
    /// partition, and no leader for any output partition (outputs wait in the producer).
    private func stuckCluster(partitions: Int32, perPartition: Int) throws -> MockCluster {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        try cluster.createTopic("in", partitions: partitions)
        try cluster.createTopic("out", partitions: partitions)
        for p in 0..<partitions {
            try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in",
                                         texts: Array(repeating: Self.text, count: perPartition), partition: p)
            try cluster.setPartitionLeader(topic: "out", partition: p, broker: -1)
        }
        return cluster
    }

    func testStuckOutputsPauseConsumptionAtTheBudget() async throws {
        let limit = 1 << 20, total = 3 * 150
        let cluster = try stuckCluster(partitions: 3, perPartition: 150)
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-memory",
                                     maxBytes: 32_768) { $0.processing.maxInFlightBytes = limit }
        serve.start()
        try await serve.waitUntil("pause") { serve.metric("fastbert_paused_partitions") == 3 }
        var peak = 0.0
        for _ in 0..<30 {
            peak = max(peak, serve.metric("fastbert_in_flight_bytes") ?? 0)
            try await Task.sleep(for: .milliseconds(100))
        }
        let taken = serve.metric("fastbert_messages_in_total") ?? 0
        print("memory bound: limit \(limit) B, peak fastbert_in_flight_bytes \(Int(peak)) B, \(Int(taken)) of \(total) records taken")
        XCTAssertGreaterThan(peak, Double(limit) * 0.75, "the budget was reached")
        XCTAssertLessThanOrEqual(peak, Double(limit + 2 * Self.valueBytes), "at most about one record over the budget")
        XCTAssertLessThan(taken, Double(total) / 2, "consumption paused")

        for p in Int32(0)..<3 { try cluster.setPartitionLeader(topic: "out", partition: p, broker: 1) }
        try await serve.waitUntil("commit", timeout: .seconds(120)) {
            let committed = try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-memory", topic: "in", partitions: 3)
            return (0..<3).allSatisfy { committed[Int32($0)] == 150 }
        }
        XCTAssertEqual(serve.metric("fastbert_messages_out_total"), Double(total), "everything answered once the outputs move")
        try await serve.waitUntil("resume") { serve.metric("fastbert_paused_partitions") == 0 }
        try await serve.stop()
    }

    /// `fastbert serve` as a child: its peak RSS grows by far less than the input it would
    /// otherwise hold, and by much less than with a budget larger than the input.
    func testServeRSSStaysBoundedWithStuckOutputs() async throws {
        let partitions: Int32 = 8, perPartition = 250
        let input = Int(partitions) * perPartition * Self.valueBytes
        let cluster = try stuckCluster(partitions: partitions, perPartition: perPartition)
        let bounded = try await rssGrowth(cluster, group: "g-rss-bounded", budget: 2 << 20) { metrics in
            Self.value(metrics, "fastbert_paused_partitions") == Double(partitions)
        }
        let unbounded = try await rssGrowth(cluster, group: "g-rss-unbounded", budget: 1 << 30) { metrics in
            Self.value(metrics, "fastbert_messages_in_total") == Double(Int(partitions) * perPartition)
        }
        print("serve RSS: input \(input / 1_000_000) MB; peak RSS growth \(bounded / 1_000_000) MB with --max-in-flight-bytes 2 MiB, "
              + "\(unbounded / 1_000_000) MB with 1 GiB")
        // The budget, librdkafka's fetch buffer (one response of up to message.max.bytes) and its
        // prefetch (a quarter of the budget), allocator slack: measured 10.7 MB here.
        XCTAssertLessThan(bounded, input / 2, "bounded: far below the input it would otherwise hold")
        XCTAssertLessThan(bounded, unbounded / 3)
        XCTAssertGreaterThan(unbounded, input / 2, "the control holds most of the input")
    }

    /// Starts serve with `budget` and returns its peak RSS (VmHWM) once `settled` holds for its
    /// metrics (and 2 s more), minus its RSS when the metrics endpoint came up (before the group
    /// assigned any partition, so before any record was read).
    private func rssGrowth(
        _ cluster: MockCluster, group: String, budget: Int, settled: @escaping (String) -> Bool
    ) async throws -> Int {
        let child = try ChildProcess(serveArguments(
            bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: group,
            extra: ["--metrics-port", "0", "--max-bytes", "32768", "--max-in-flight-bytes", String(budget)]))
        let line = try await child.waitForStderr(containing: "metrics: http://127.0.0.1:")
        let port = try XCTUnwrap(Int(line.split(separator: ":").last?.split(separator: "/").first ?? ""))
        let pid = child.process.processIdentifier
        // RSS before any record is in: the metrics endpoint answers before the group assigns.
        let baseline = try Self.status(pid, "VmRSS")
        let deadline = ContinuousClock.now.advanced(by: .seconds(90))
        while ContinuousClock.now < deadline {
            if let (metrics, _) = try? await KafkaTestSupport.get(port: port, "/metrics"), settled(metrics) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(2))
        let peak = try Self.status(pid, "VmHWM")
        child.kill9()
        return peak - baseline
    }

    /// A /proc/PID/status field in bytes.
    private static func status(_ pid: Int32, _ field: String) throws -> Int {
        let text = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix(field + ":") })
        let kb = try XCTUnwrap(Int(line.split(separator: " ").dropFirst().first ?? ""))
        return kb * 1024
    }

    private static func value(_ metrics: String, _ name: String) -> Double? {
        metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }
}
