import Foundation
import Kafka
import Pipeline
import XCTest

/// Every kind of bad input lands in the dead-letter topic (or as an error output without one),
/// with its original key, value and headers, and never stalls the stream.
final class DeadLetterTests: XCTestCase {
    /// (value, expected reason); nil reason = valid.
    private let cases: [([UInt8]?, DeadLetterReason?)] = [
        (nil, .nullValue),
        ([], .emptyValue),
        ([0x7B, 0xFF, 0xFE, 0x7D], .invalidUTF8),
        (Array(#"{"text": "unterminated"#.utf8), .invalidJSON),
        (Array(#"{"body": "no text field"}"#.utf8), .missingTextField),
        (Array(#"{"text": 17}"#.utf8), .missingTextField),
        (Array(#"{"text": "   "}"#.utf8), .emptyValue),
        (Array(("{\"text\": \"" + String(repeating: "film ", count: 1000) + "\"}").utf8), .tooLarge),
        (Array(#"{"text": "a good film"}"#.utf8), nil),
        // Under the byte limit but far over the model's 64 tokens: truncated, not rejected.
        (Array(("{\"text\": \"" + String(repeating: "good ", count: 500) + "\"}").utf8), nil),
    ]

    func testBadInputsGoToTheDeadLetterTopic() async throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        for t in ["in", "out", "dlq"] { try cluster.createTopic(t, partitions: 1) }
        let headers = cases.indices.map { [KafkaHeader("trace-id", "t-\($0)")] }
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", values: cases.map(\.0), headers: headers)

        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-dlq",
                                     dlq: "dlq", format: .json, maxBytes: 4096)
        serve.start()
        let bad = cases.filter { $0.1 != nil }.count
        let deadLetters = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "dlq", count: bad, timeout: .seconds(60))
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: cases.count - bad, timeout: .seconds(30))
        try await serve.stop()

        XCTAssertEqual(deadLetters.count, bad)
        for letter in deadLetters {
            let h = letter.headerStrings
            let offset = try XCTUnwrap(Int(h[DeadLetterHeaders.sourceOffset] ?? ""))
            XCTAssertEqual(h[DeadLetterHeaders.reason], cases[offset].1?.rawValue, "offset \(offset)")
            XCTAssertEqual(letter.keyString, "k-\(offset)", "original key kept")
            XCTAssertEqual(letter.value, cases[offset].0, "original value kept")
            XCTAssertEqual(h["trace-id"], "t-\(offset)", "original headers kept")
            XCTAssertEqual(h[DeadLetterHeaders.sourceTopic], "in")
        }
        let headerDocs = try deadLetters.map { try JSONSerialization.data(withJSONObject: $0.headerStrings) }.map { Array($0) }
        XCTAssertNil(try SchemaValidator.failures(schema: "dead-letter.schema.json", documents: headerDocs))

        XCTAssertEqual(outputs.count, cases.count - bad)
        let tokens = outputs.compactMap { $0.json?["tokens"] as? Int }.sorted()
        XCTAssertEqual(tokens.last, 64, "long text truncated to the model's maximum length")
        XCTAssertNil(try SchemaValidator.failures(schema: "output.schema.json", documents: outputs.compactMap(\.value)))

        let metrics = serve.pipeline.metrics.exposition()
        XCTAssertTrue(metrics.contains(#"fastbert_dead_letters_total{reason="missing_text_field"} 2"#), metrics)
        XCTAssertTrue(metrics.contains(#"fastbert_dead_letters_total{reason="too_large"} 1"#))
        let committed = try KafkaTestSupport.committed(bootstrap: cluster.bootstrapServers, group: "g-dlq", topic: "in", partitions: 1)
        XCTAssertEqual(committed[0], Int64(cases.count), "dead letters count as processed once delivered")
    }

    func testWithoutDeadLetterTopicErrorsBecomeOutputs() async throws {
        let cluster = try MockCluster(brokers: 1, logger: KafkaTestSupport.quietLogger)
        for t in ["in", "out"] { try cluster.createTopic(t, partitions: 1) }
        try KafkaTestSupport.produce(bootstrap: cluster.bootstrapServers, topic: "in", values: cases.map(\.0))
        let serve = try ServeHarness(bootstrap: cluster.bootstrapServers, input: "in", output: "out", group: "g-nodlq",
                                     format: .json, maxBytes: 4096)
        serve.start()
        let outputs = try KafkaTestSupport.consume(bootstrap: cluster.bootstrapServers, topic: "out", count: cases.count, timeout: .seconds(60))
        try await serve.stop()
        XCTAssertEqual(outputs.count, cases.count)
        for output in outputs {
            let json = try XCTUnwrap(output.json)
            let offset = try XCTUnwrap((json["source"] as? [String: Any])?["offset"] as? Int)
            let error = json["error"] as? [String: Any]
            XCTAssertEqual(error?["reason"] as? String, cases[offset].1?.rawValue, "offset \(offset)")
            XCTAssertEqual(output.keyString, "k-\(offset)")
        }
        XCTAssertNil(try SchemaValidator.failures(schema: "output.schema.json", documents: outputs.compactMap(\.value)))
    }
}
