import Foundation
import Kafka
import Pipeline
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `fastbert serve` / `fastbert kafka-mock` as child processes: kill -9 and restart, SIGTERM,
/// two members of one group.
final class ProcessTests: XCTestCase {
    func testKillNineThenRestartLosesNothing() async throws {
        let count = 4000
        let cluster = try KafkaTestSupport.brokerWithInput(brokers: 3, partitions: 3, count: count)
        let args = serveArguments(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-kill")

        let first = try ChildProcess(args)
        _ = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: 1000, timeout: .seconds(60))
        first.kill9()
        let committedAtKill = try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-kill", topic: "in", partitions: 3)
        let beforeRestart = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: Int.max, timeout: .seconds(1))
        XCTAssertLessThan(Set(beforeRestart.compactMap(\.keyString)).count, count, "killed mid-stream")

        let second = try ChildProcess(args)
        let outputs = try KafkaTestSupport.consumeAll(bootstrap: cluster.bootstrapServers, topic: "out", timeout: .seconds(120)) {
            Set($0.compactMap(\.keyString)).count >= count
        }
        second.signal(SIGTERM)
        let status = await second.wait(timeout: .seconds(30))
        XCTAssertEqual(status, 0, "SIGTERM: drain, commit, exit 0; stderr: \(second.stderr.suffix(1500))")

        // Every input offset has at least one output; duplicates only from the uncommitted window.
        var seen: [Int32: [Int64: Int]] = [:]
        for m in outputs {
            let source = try XCTUnwrap(m.json?["source"] as? [String: Any])
            let p = Int32(try XCTUnwrap(source["partition"] as? Int)), o = Int64(try XCTUnwrap(source["offset"] as? Int))
            seen[p, default: [:]][o, default: 0] += 1
        }
        let admin = try KafkaAdmin(config: cluster.clientConfig(), logger: KafkaTestSupport.quietLogger)
        var duplicates = 0
        // Offsets start at 0 and are dense, so on any broker every input answered means
        // the answered offsets add up to `count`; the per-partition high watermark is checked on the mock only.
        XCTAssertEqual(seen.values.map { Set($0.keys).count }.reduce(0, +), count, "every input offset answered")
        for p in Int32(0)..<3 {
            let offsets = seen[p] ?? [:]
            if cluster.isMock {
                let high = try admin.watermarks(topic: "in", partition: p).high
                XCTAssertEqual(offsets.count, Int(high), "partition \(p): every offset answered")
            }
            let committed = max(0, committedAtKill[p] ?? 0)
            for (offset, n) in offsets where n > 1 {
                duplicates += n - 1
                XCTAssertGreaterThanOrEqual(offset, committed, "partition \(p): duplicate below the committed offset")
            }
        }
        print("kill -9: committed at kill \(committedAtKill), duplicates \(duplicates)")
        try KafkaTestSupport.assertCommittedToEnd(cluster, group: "g-kill", partitions: 3, inputs: count, "committed after SIGTERM")
    }

    func testTwoServeProcessesSplitThePartitions() async throws {
        try TestBroker.requireMock("the members share a `fastbert kafka-mock` child process")
        let mock = try ChildProcess(["kafka-mock", "--brokers", "1", "--topic", "in:4", "--topic", "out:4"])
        let bootstrap = try await mock.waitForLine(prefix: "bootstrap:")
        XCTAssertTrue(mock.stdout.hasPrefix("bootstrap: 127.0.0.1:"), mock.stdout)

        let members = try (0..<2).map { _ in
            try ChildProcess(serveArguments(bootstrap: bootstrap, input: "in", output: "out", group: "g-split",
                                            extra: ["--metrics-port", "0"]))
        }
        let ports = try await members.asyncMap { member in
            let line = try await member.waitForStderr(containing: "metrics: http://127.0.0.1:")
            return try XCTUnwrap(Int(line.split(separator: ":").last?.split(separator: "/").first ?? ""))
        }
        // Both ready, and the group settled (the second join rebalances the first member).
        for port in ports { try await waitUntil(timeout: .seconds(30)) { try await self.get(port, "/readyz").1 == 200 } }
        try await Task.sleep(for: .seconds(4))

        let count = 2000
        try KafkaTestSupport.produce(bootstrap: bootstrap, topic: "in", texts: (0..<count).map(TestModel.sentence))
        let outputs = try KafkaTestSupport.consume(bootstrap: bootstrap, topic: "out", count: count, timeout: .seconds(90))
        XCTAssertEqual(Set(outputs.compactMap(\.keyString)).count, count)

        var perMember: [Int] = []
        for port in ports {
            let text = try await get(port, "/metrics").0
            let line = text.split(separator: "\n").first { $0.hasPrefix("fastbert_messages_in_total ") }
            perMember.append(Int(line?.split(separator: " ").last ?? "") ?? 0)
        }
        print("messages per member: \(perMember)")
        XCTAssertTrue(perMember.allSatisfy { $0 > 0 }, "both members got partitions: \(perMember)")
        XCTAssertEqual(perMember.reduce(0, +), count)

        for member in members { member.signal(SIGTERM) }
        for member in members {
            let status = await member.wait(timeout: .seconds(30))
            XCTAssertEqual(status, 0, member.stderr.suffix(1500).description)
        }
        mock.signal(SIGINT)
        let mockStatus = await mock.wait(timeout: .seconds(10))
        XCTAssertEqual(mockStatus, 0)
    }

    private func get(_ port: Int, _ path: String) async throws -> (String, Int) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return (String(decoding: data, as: UTF8.self), (response as? HTTPURLResponse)?.statusCode ?? 0)
    }

    private func waitUntil(timeout: Duration, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("condition not met within \(timeout)")
    }
}

extension ChildProcess {
    func waitForStderr(containing text: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let line = stderr.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("stderr never contained '\(text)': \(stderr.suffix(1500))")
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
