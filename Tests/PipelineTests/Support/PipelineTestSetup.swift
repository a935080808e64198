import Kafka
import XCTest

/// The setup and the final commit check shared by the serve tests.
extension KafkaTestSupport {
    /// A mock cluster with topics "in" and "out" of `partitions` partitions each, and the first
    /// `count` test sentences produced to "in".
    static func clusterWithInput(brokers: Int, partitions: Int32, count: Int) throws -> MockCluster {
        let cluster = try MockCluster(brokers: brokers, logger: quietLogger)
        try cluster.createTopic("in", partitions: partitions)
        try cluster.createTopic("out", partitions: partitions)
        try produce(bootstrap: cluster.bootstrapServers, topic: "in", texts: (0..<count).map(TestModel.sentence))
        return cluster
    }

    /// Asserts that `group` has committed every partition of "in" up to its high watermark.
    static func assertCommittedToEnd(
        _ cluster: MockCluster, group: String, partitions: Int, _ what: String = "committed to the end",
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let committed = try committed(bootstrap: cluster.bootstrapServers, group: group, topic: "in", partitions: partitions)
        let admin = try KafkaAdmin(config: cluster.clientConfig(), logger: quietLogger)
        for p in 0..<Int32(partitions) {
            XCTAssertEqual(committed[p], try admin.watermarks(topic: "in", partition: p).high, "partition \(p) \(what)",
                           file: file, line: line)
        }
    }
}
