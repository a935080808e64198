import Foundation
import Kafka
import Pipeline
import XCTest

/// A second member joins mid-stream: the first member's partitions are revoked while records
/// are in flight. Nothing may be lost and commits must still reach the end.
final class RebalanceTests: XCTestCase {
    func testMemberJoiningMidStream() async throws {
        let count = 3000
        let cluster = try KafkaTestSupport.brokerWithInput(brokers: 1, partitions: 4, count: count)
        let first = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-rebalance", maxBatch: 4)
        first.start()
        _ = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: 300, timeout: .seconds(60))
        let second = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-rebalance", maxBatch: 4)
        second.start()
        let outputs = try KafkaTestSupport.consumeAll(bootstrap: cluster.bootstrapServers, topic: "out", timeout: .seconds(120)) {
            Set($0.compactMap(\.keyString)).count >= count
        }
        XCTAssertEqual(Set(outputs.compactMap(\.keyString)).count, count, "every input answered")
        try await first.stop()
        try await second.stop()
        try KafkaTestSupport.assertCommittedToEnd(cluster, group: "g-rebalance", partitions: 4, inputs: count)
        let inputsIn = [first, second].map { harness in
            harness.pipeline.metrics.exposition().split(separator: "\n")
                .first { $0.hasPrefix("fastbert_messages_in_total ") }.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        }
        print("rebalance: outputs \(outputs.count) for \(count) inputs, per member \(inputsIn)")
        XCTAssertGreaterThan(inputsIn[1], 0, "the second member took over partitions")
    }
}
