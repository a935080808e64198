import Foundation
import Kafka
import Pipeline
import XCTest

/// Broker outages and injected request errors: the pipeline recovers and loses nothing.
final class FaultToleranceTests: XCTestCase {
    private func assertEveryInputAnswered(_ outputs: [KafkaMessage], count: Int, file: StaticString = #filePath, line: UInt = #line) {
        let keys = Set(outputs.compactMap(\.keyString))
        XCTAssertEqual(keys.count, count, "every input has an output", file: file, line: line)
    }

    func testBrokerDownAndUp() async throws {
        let count = 3000
        let cluster = try KafkaTestSupport.clusterWithInput(brokers: 3, partitions: 3, count: count)
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-down", maxBatch: 8)
        serve.start()
        _ = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: 300, timeout: .seconds(60))
        // Every partition loses its leader for a while (the mock does not move leadership).
        for broker in Int32(1)...3 { try cluster.setBrokerDown(broker) }
        try await Task.sleep(for: .seconds(3))
        for broker in Int32(1)...3 { try cluster.setBrokerUp(broker) }
        let outputs = try KafkaTestSupport.consumeDistinctKeys(bootstrap: cluster.bootstrapServers, topic: "out", count: count, timeout: .seconds(120))
        assertEveryInputAnswered(outputs, count: count)
        // If the outage outlived the session, the member rejoined and reprocesses from its last
        // commit: commits must still reach the end.
        try await waitForCommittedToEnd(cluster, group: "g-down", partitions: 3)
        try await serve.stop()
        try KafkaTestSupport.assertCommittedToEnd(cluster, group: "g-down", partitions: 3)
    }

    func testInjectedRequestErrors() async throws {
        let count = 2000
        let cluster = try KafkaTestSupport.clusterWithInput(brokers: 3, partitions: 3, count: count)
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-errors", maxBatch: 8)
        serve.start()
        try await serve.waitUntilReady()
        try cluster.pushRequestErrors(apiKey: .produce, errors: Array(repeating: .notLeaderForPartition, count: 5)
            + Array(repeating: .requestTimedOut, count: 5) + [.transport, .transport])
        try cluster.pushRequestErrors(apiKey: .fetch, errors: Array(repeating: .notLeaderForPartition, count: 3) + [.transport])
        try cluster.pushRequestErrors(apiKey: .offsetCommit, errors: Array(repeating: .requestTimedOut, count: 4)
            + Array(repeating: .rebalanceInProgress, count: 2))
        let outputs = try KafkaTestSupport.consumeDistinctKeys(bootstrap: cluster.bootstrapServers, topic: "out", count: count, timeout: .seconds(120))
        assertEveryInputAnswered(outputs, count: count)
        try await waitForCommittedToEnd(cluster, group: "g-errors", partitions: 3)
        try await serve.stop()
        try KafkaTestSupport.assertCommittedToEnd(cluster, group: "g-errors", partitions: 3)
    }

    private func waitForCommittedToEnd(_ cluster: MockCluster, group: String, partitions: Int) async throws {
        let admin = try KafkaAdmin(config: cluster.clientConfig(), logger: KafkaTestSupport.quietLogger)
        let highs = try (0..<Int32(partitions)).map { try admin.watermarks(topic: "in", partition: $0).high }
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline {
            let committed = try? KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: group, topic: "in", partitions: partitions)
            if let committed, (0..<partitions).allSatisfy({ committed[Int32($0)] == highs[$0] }) { return }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
