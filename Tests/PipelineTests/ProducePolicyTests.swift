import Kafka
@testable import Pipeline
import XCTest

/// The pure parts of the failure policies: what replaces a refused output, how unreadable
/// records are stepped over, when memory pauses consumption.
final class ProducePolicyTests: XCTestCase {
    private let source = KafkaMessage(
        topic: "in", partition: 0, offset: 7, key: Array("key".utf8), value: Array("a fairly long value".utf8),
        headers: [KafkaHeader("trace", "t")])
    private let tooLarge = KafkaError(code: .msgSizeTooLarge)

    private func encoder(dlq: String?) -> RecordEncoder {
        RecordEncoder(routing: OutputRouting(outputTopic: "out", deadLetterTopic: dlq), modelId: "m", labels: ["a"], numLayers: 1)
    }

    func testErrorClasses() {
        XCTAssertEqual(ProduceFailure(KafkaError(code: .invalidRecord)), .recordRejected)
        XCTAssertEqual(ProduceFailure(tooLarge), .recordRejected)
        XCTAssertEqual(ProduceFailure(KafkaError(code: .topicAuthorizationFailed)), .destinationUnusable)
        XCTAssertEqual(ProduceFailure(KafkaError(code: .unknownTopic)), .destinationUnusable)
        XCTAssertEqual(ProduceFailure(KafkaError(code: .messageTimedOut)), .transient)
        XCTAssertEqual(ProduceFailure(KafkaError(code: .notEnoughReplicas)), .transient)
    }

    func testRefusedOutputsLoseTheirLargestPartFirst() throws {
        let encoder = encoder(dlq: "dlq")
        let result = OutgoingMessage(topic: "out", key: source.key, value: [1], headers: [], kind: .result, source: source, receivedNanos: 0)
        let letter = try XCTUnwrap(encoder.replacement(for: result, error: tooLarge))
        XCTAssertEqual(letter.kind, .deadLetter(.outputRejected))
        XCTAssertEqual(letter.topic, "dlq")
        XCTAssertEqual(letter.value, source.value, "the whole input first")
        let noValue = try XCTUnwrap(encoder.replacement(for: letter, error: tooLarge))
        XCTAssertNil(noValue.value, "the value is the largest part")
        XCTAssertEqual(noValue.key, source.key)
        XCTAssertTrue(noValue.headers.contains(KafkaHeader(DeadLetterHeaders.valueDropped, "true")))
        let noHeaders = try XCTUnwrap(encoder.replacement(for: noValue, error: tooLarge))
        XCTAssertFalse(noHeaders.headers.contains(KafkaHeader("trace", "t")), "the headers (6 bytes) before the key (3)")
        let bare = try XCTUnwrap(encoder.replacement(for: noHeaders, error: tooLarge))
        XCTAssertNil(bare.key)
        XCTAssertEqual(bare.headers.first { $0.key == DeadLetterHeaders.reason }?.value, Array("output_rejected".utf8))
        XCTAssertNil(encoder.replacement(for: bare, error: tooLarge), "nothing left to drop")
    }

    func testErrorRecordsCanOnlyLoseTheKey() throws {
        let encoder = encoder(dlq: nil)
        let record = encoder.deadLetter(for: source, rejection: InputRejection(.invalidJSON, "x"), ticket: nil, receivedNanos: 0)
        XCTAssertEqual(record.topic, "out")
        let noKey = try XCTUnwrap(encoder.replacement(for: record, error: tooLarge))
        XCTAssertNil(noKey.key)
        XCTAssertNotNil(noKey.value, "the error record itself stays")
        XCTAssertNil(encoder.replacement(for: noKey, error: tooLarge))
    }

    func testSkipperWalksPastABatchThatComesBack() {
        var skipper = RecordSkipper()
        let tp = TopicPartition(topic: "in", partition: 0)
        XCTAssertEqual(skipper.skip(tp, at: 3).seekTo, 4)
        XCTAssertTrue(skipper.skip(TopicPartition(topic: "in", partition: 1), at: 3).isNew)
        let again = skipper.skip(tp, at: 3)
        XCTAssertEqual(again.seekTo, 5, "the same batch again: one further")
        XCTAssertFalse(again.isNew)
        skipper.read(tp, offset: 5)
        XCTAssertTrue(skipper.skip(tp, at: 9).isNew, "a later batch is a new unreadable record")
    }

    func testMemoryBudgetHysteresis() {
        var gate = FetchGate()
        XCTAssertFalse(gate.overBudget(bytes: 99, limit: 100))
        XCTAssertTrue(gate.crossesBudget(bytes: 100, limit: 100))
        XCTAssertTrue(gate.overBudget(bytes: 100, limit: 100))
        XCTAssertFalse(gate.crossesBudget(bytes: 120, limit: 100), "already paused")
        XCTAssertTrue(gate.overBudget(bytes: 80, limit: 100), "still paused above 3/4")
        XCTAssertFalse(gate.overBudget(bytes: 74, limit: 100))
    }
}
