import FastBERT
import Foundation
import Kafka

/// Builds the records to produce: result JSON for predictions, dead letters (or error outputs)
/// for rejected inputs. Stateless apart from its settings; safe from any thread.
struct RecordEncoder: Sendable {
    var routing: OutputRouting
    var modelId: String
    var labels: [String]
    var numLayers: Int

    func result(for item: WorkItem, prediction: Prediction, speed: Float) throws -> OutgoingMessage {
        let m = item.message
        let record = ResultRecord(
            label: labels.indices.contains(prediction.label) ? labels[prediction.label] : String(prediction.label),
            labelId: prediction.label,
            probabilities: Dictionary(zip(labels, prediction.probabilities), uniquingKeysWith: { a, _ in a }),
            exitLayer: prediction.exitLayer, numLayers: numLayers, uncertainty: prediction.uncertainty,
            speed: speed, modelId: modelId, tokens: item.tokens.count,
            source: SourceCoordinates(topic: m.topic, partition: m.partition, offset: m.offset),
            inputTimestampMs: m.timestampMs >= 0 ? m.timestampMs : nil,
            processingLatencyMs: (MonotonicTime.seconds(since: item.receivedNanos) * 1e6).rounded() / 1e3)
        return OutgoingMessage(
            topic: routing.outputTopic,
            partition: OutputRouting.partition(key: m.key, source: m.partition, count: routing.outputPartitions),
            key: m.key, value: try Self.json(record), headers: [], kind: .result, ticket: item.ticket,
            receivedNanos: item.receivedNanos)
    }

    /// A dead letter: the original key, value and headers plus reason and source headers, to
    /// the dead-letter topic; without one, an error record on the output topic.
    func deadLetter(for m: KafkaMessage, rejection: InputRejection, ticket: AckTicket?, receivedNanos: UInt64) -> OutgoingMessage {
        let headers = DeadLetterHeaders.make(for: m, rejection: rejection, modelId: modelId)
        if let topic = routing.deadLetterTopic {
            return OutgoingMessage(
                topic: topic,
                partition: OutputRouting.partition(key: m.key, source: m.partition, count: routing.deadLetterPartitions),
                key: m.key, value: m.value, headers: m.headers + headers,
                kind: .deadLetter(rejection.reason), ticket: ticket, receivedNanos: receivedNanos)
        }
        let record = ErrorRecord(
            error: .init(reason: rejection.reason, message: rejection.detail), modelId: modelId,
            source: SourceCoordinates(topic: m.topic, partition: m.partition, offset: m.offset),
            inputTimestampMs: m.timestampMs >= 0 ? m.timestampMs : nil)
        return OutgoingMessage(
            topic: routing.outputTopic,
            partition: OutputRouting.partition(key: m.key, source: m.partition, count: routing.outputPartitions),
            key: m.key, value: (try? Self.json(record)) ?? Array(#"{"error":{"reason":"inference_failed","message":"encoding failed"}}"#.utf8),
            headers: headers, kind: .deadLetter(rejection.reason), ticket: ticket, receivedNanos: receivedNanos)
    }

    /// Shared: `JSONEncoder.encode` is thread-safe once configured.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try encoder.encode(value))
    }
}
