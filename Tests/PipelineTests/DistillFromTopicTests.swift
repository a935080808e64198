import FastBERT
import Foundation
import Kafka
import XCTest

/// `fastbert distill --from-topic`: self-distillation on unlabelled texts read from a topic with
/// serve's decoder, as a user runs it (the built binary against a mock cluster).
final class DistillFromTopicTests: XCTestCase {
    /// The test model with its teacher marked trained: distill refuses a random teacher.
    static let teacher: String = {
        let dir = NSTemporaryDirectory() + "fastbert-distill-teacher-\(UUID().uuidString)"
        var model = try! ModelDirectory.load(TestModel.directory)
        model.config.fastbert.teacherTrained = true
        try! ModelDirectory.save(model, to: dir, tokenizerSource: TestModel.directory)
        return dir
    }()

    func distill(_ cluster: MockCluster, _ extra: [String]) async throws -> (status: Int32?, stdout: String, stderr: String) {
        let out = NSTemporaryDirectory() + "fastbert-distill-topic-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: out) }
        let child = try ChildProcess([
            "distill", "--model", Self.teacher, "--brokers", cluster.bootstrapServers, "--epochs", "1",
            "--out", out,
        ] + extra)
        let status = await child.wait(timeout: .seconds(120))
        if status == 0 {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/model.safetensors"), "no model written to \(out)")
        }
        return (status, child.stdout, child.stderr)
    }

    /// Every partition is read to its end; records the decoder rejects are counted, not trained on.
    func testReadsEveryPartitionAndCountsRejectedRecords() async throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        try cluster.createTopic("in", partitions: 2)
        let values: [[UInt8]?] = (0..<24).map { Array(TestModel.sentence($0).utf8) } + [[], nil]
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", values: values)
        let run = try await distill(cluster, ["--from-topic", "in"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("distill: 24 texts read from in (2 records rejected by the decoder)"), run.stdout)
        XCTAssertTrue(run.stdout.contains("distill: mean KL per student"), run.stdout)
    }

    func testMaxMessagesBoundsWhatIsRead() async throws {
        let cluster = try KafkaTestSupport.clusterWithInput(brokers: 1, partitions: 3, count: 40)
        let run = try await distill(cluster, ["--from-topic", "in", "--max-messages", "10"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("distill: 10 texts read from in"), run.stdout)
    }

    func testAnEmptyTopicIsAnErrorNotAnEmptyModel() async throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        try cluster.createTopic("in", partitions: 1)
        let run = try await distill(cluster, ["--from-topic", "in"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("'in' gave 0 texts; need at least 2"), run.stderr)
    }
}
