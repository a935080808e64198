import Kafka
@testable import Pipeline
import XCTest

/// serve and replay build their clients' configuration through one path.
final class ClientSettingsTests: XCTestCase {
    private let properties = [
        ("security.protocol", "plaintext"), ("consumer.session.timeout.ms", "6000"), ("producer.linger.ms", "0"),
        ("consumer.auto.offset.reset", "latest"),
    ]

    func testServeAndReplayShareTheClientSettings() {
        let routing = OutputRouting(outputTopic: "out")
        let serve = ServeConfiguration(brokers: "b:9092", inputTopics: ["in"], group: "g",
                                       processing: ProcessingSettings(routing: routing), kafkaProperties: properties)
        let replay = ReplayConfiguration(brokers: "b:9092", inputTopic: "in", start: .offset(0), end: .end,
                                         processing: ProcessingSettings(routing: routing), kafkaProperties: properties)
        XCTAssertEqual(serve.clients.producer, replay.clients.producer)
        let producer = serve.clients.producer
        XCTAssertEqual(producer["linger.ms"], "0", "producer. keys override the pipeline's own")
        XCTAssertEqual(producer["security.protocol"], "plaintext", "unprefixed keys reach both clients")
        XCTAssertNil(producer["session.timeout.ms"], "consumer. keys stay with the consumer")

        let consumer = serve.consumerConfig
        XCTAssertEqual(consumer["group.id"], "g")
        XCTAssertEqual(consumer["auto.offset.reset"], "latest", "the user's setting wins")
        XCTAssertEqual(consumer["session.timeout.ms"], "6000")
        XCTAssertNil(consumer["linger.ms"])
        XCTAssertEqual(replay.consumerConfig["session.timeout.ms"], "6000")
        XCTAssertEqual(replay.consumerConfig["enable.partition.eof"], "true")
        XCTAssertNil(replay.consumerConfig["group.id"], "replay has no group")
    }
}
