import Kafka
import XCTest

/// The setup and the final commit check shared by the serve tests.
extension KafkaTestSupport {
    /// A mock cluster with topics "in" and "out" of `partitions` partitions each, and the first
    /// `count` test sentences produced to "in".
    static func clusterWithInput(brokers: Int, partitions: Int32, count: Int) throws -> MockCluster {
        let cluster = try MockCluster(brokers: brokers, logger: quietLogger)
        try fill(TestBroker(mock: cluster), partitions: partitions, count: count)
        return cluster
    }

    /// As `clusterWithInput`, on the broker chosen by `TestBroker` (mock or external).
    static func brokerWithInput(brokers: Int, partitions: Int32, count: Int) throws -> TestBroker {
        let broker = try TestBroker(brokers: brokers)
        try fill(broker, partitions: partitions, count: count)
        return broker
    }

    private static func fill(_ broker: TestBroker, partitions: Int32, count: Int) throws {
        try broker.createTopic("in", partitions: partitions)
        try broker.createTopic("out", partitions: partitions)
        try produce(bootstrap: broker.bootstrapServers, topic: "in", texts: (0..<count).map(TestModel.sentence))
    }

    /// Asserts that `group` has committed every partition of "in" up to its high watermark.
    static func assertCommittedToEnd(
        _ cluster: MockCluster, group: String, partitions: Int, _ what: String = "committed to the end",
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        try assertCommittedToEnd(TestBroker(mock: cluster), group: group, partitions: partitions, inputs: nil, what,
                                 file: file, line: line)
    }

    /// On the mock, each partition's commit equals its high watermark. An external broker's
    /// high watermark is not trusted (Tansu's is wrong, docs/reliability.md "Brokers tested"):
    /// there the commits must add up to `inputs`, the number of records produced to "in".
    static func assertCommittedToEnd(
        _ broker: TestBroker, group: String, partitions: Int, inputs: Int?, _ what: String = "committed to the end",
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let committed = try committed(bootstrap: broker.bootstrapServers, group: group, topic: "in", partitions: partitions)
        guard broker.isMock else {
            let total = (0..<Int32(partitions)).map { max(0, committed[$0] ?? 0) }.reduce(0, +)
            XCTAssertEqual(total, Int64(inputs ?? -1), "\(what): commits \(committed) add up to the inputs", file: file, line: line)
            return
        }
        let admin = try KafkaAdmin(config: broker.clientConfig(), logger: quietLogger)
        for p in 0..<Int32(partitions) {
            XCTAssertEqual(committed[p], try admin.watermarks(topic: "in", partition: p).high, "partition \(p) \(what)",
                           file: file, line: line)
        }
    }
}
