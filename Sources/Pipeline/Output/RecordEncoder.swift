import FastBERT
import Foundation
import Kafka

/// Builds the records to produce: result JSON for predictions, dead letters (or error outputs)
/// for rejected inputs, and the replacement for an output the broker refused for good.
/// Stateless apart from its settings; safe from any thread.
struct RecordEncoder: Sendable {
    var routing: OutputRouting
    var modelId: String
    var labels: [String]
    var numLayers: Int

    func result(for item: WorkItem, prediction: Prediction, exit: AppliedExit) throws -> OutgoingMessage {
        let m = item.message
        let record = ResultRecord(
            label: labels.indices.contains(prediction.label) ? labels[prediction.label] : String(prediction.label),
            labelId: prediction.label,
            probabilities: Dictionary(zip(labels, prediction.probabilities), uniquingKeysWith: { a, _ in a }),
            exitLayer: prediction.exitLayer, numLayers: numLayers, uncertainty: prediction.uncertainty,
            exit: exit.source.rawValue, speed: exit.speed, modelId: modelId, tokens: item.tokens.count,
            source: SourceCoordinates(topic: m.topic, partition: m.partition, offset: m.offset),
            inputTimestampMs: m.timestampMs >= 0 ? m.timestampMs : nil,
            processingLatencyMs: (MonotonicTime.seconds(since: item.receivedNanos) * 1e6).rounded() / 1e3)
        return OutgoingMessage(
            topic: routing.outputTopic,
            partition: OutputRouting.partition(key: m.key, source: m.partition, count: routing.outputPartitions),
            key: m.key, value: try Self.json(record), headers: [], kind: .result, source: m, ticket: item.ticket,
            receivedNanos: item.receivedNanos)
    }

    /// A dead letter: the original key, value and headers (less `dropped`) plus reason and
    /// source headers, to the dead-letter topic; without one, an error record on the output
    /// topic (which carries the key only).
    func deadLetter(
        for m: KafkaMessage, rejection: InputRejection, ticket: AckTicket?, receivedNanos: UInt64,
        dropping dropped: Set<InputPart> = []
    ) -> OutgoingMessage {
        let key = dropped.contains(.key) ? nil : m.key
        let headers = DeadLetterHeaders.make(for: m, rejection: rejection, modelId: modelId)
            + InputPart.allCases.filter(dropped.contains).map(DeadLetterHeaders.dropped)
        if let topic = routing.deadLetterTopic {
            return OutgoingMessage(
                topic: topic,
                partition: OutputRouting.partition(key: key, source: m.partition, count: routing.deadLetterPartitions),
                key: key, value: dropped.contains(.value) ? nil : m.value,
                headers: (dropped.contains(.headers) ? [] : m.headers) + headers,
                kind: .deadLetter(rejection.reason), rejection: rejection, dropped: dropped, source: m, ticket: ticket,
                receivedNanos: receivedNanos)
        }
        let record = ErrorRecord(
            error: .init(reason: rejection.reason, message: rejection.detail), modelId: modelId,
            source: SourceCoordinates(topic: m.topic, partition: m.partition, offset: m.offset),
            inputTimestampMs: m.timestampMs >= 0 ? m.timestampMs : nil)
        return OutgoingMessage(
            topic: routing.outputTopic,
            partition: OutputRouting.partition(key: key, source: m.partition, count: routing.outputPartitions),
            key: key, value: (try? Self.json(record)) ?? Array(#"{"error":{"reason":"inference_failed","message":"encoding failed"}}"#.utf8),
            headers: headers, kind: .deadLetter(rejection.reason), rejection: rejection, dropped: dropped, source: m,
            ticket: ticket, receivedNanos: receivedNanos)
    }

    /// What to send instead of `message`, which the broker refused for good with `error`: a
    /// result becomes a dead letter (`output_rejected`); a dead letter loses the largest part
    /// of the input it still carries. nil when there is nothing left to drop.
    func replacement(for message: OutgoingMessage, error: KafkaError) -> OutgoingMessage? {
        guard let rejection = message.rejection else {
            let detail = "topic '\(message.topic)' refused the result: \(error.name) (\(error.message))"
            return deadLetter(for: message.source, rejection: InputRejection(.outputRejected, detail),
                              ticket: message.ticket, receivedNanos: message.receivedNanos)
        }
        let m = message.source
        var sizes: [(InputPart, Int)] = []
        if let key = m.key { sizes.append((.key, key.count)) }
        if routing.deadLetterTopic != nil {
            if let value = m.value { sizes.append((.value, value.count)) }
            if !m.headers.isEmpty { sizes.append((.headers, m.headers.reduce(0) { $0 + $1.key.utf8.count + ($1.value?.count ?? 0) })) }
        }
        guard let largest = sizes.filter({ !message.dropped.contains($0.0) }).max(by: { $0.1 < $1.1 })?.0 else { return nil }
        return deadLetter(for: m, rejection: rejection, ticket: message.ticket, receivedNanos: message.receivedNanos,
                          dropping: message.dropped.union([largest]))
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
