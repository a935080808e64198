import Foundation
import Kafka
import ServiceLifecycle

/// Watches the demo's output and dead-letter topics: per-layer exit counts, accuracy against the
/// known labels, live table on stdout. A `Service` that returns once every input is answered
/// (or on graceful shutdown / timeout), which ends the demo's service group.
final class PipelineDemoMonitor: Service, @unchecked Sendable {
    struct Stats: Sendable {
        var answered = Set<String>()
        var exits: [Int]
        var correct = 0
        var labelled = 0
        var deadLetters = 0
        var exitLayerSum = 0
        var results = 0
        var firstOutput: Date?
        var lastOutput: Date?
    }

    private let config: KafkaConfig
    private let outputTopic: String
    private let deadLetterTopic: String
    private let expected: [String: String]
    private let labels: [String]
    private let total: Int
    private let timeout: Duration
    private let state: Locked<Stats>
    private let stopRequested = Locked(false)

    init(config: KafkaConfig, outputTopic: String, deadLetterTopic: String, expected: [String: String], labels: [String],
         numLayers: Int, total: Int, timeout: Duration) {
        self.config = config
        self.outputTopic = outputTopic
        self.deadLetterTopic = deadLetterTopic
        self.expected = expected
        self.labels = labels
        self.total = total
        self.timeout = timeout
        state = Locked(Stats(exits: Array(repeating: 0, count: numLayers)))
    }

    var stats: Stats { state.current }

    func run() async throws {
        try await runBlocking(named: "demo-monitor", stop: stopRequested) { [self] in try watch() }
    }

    private func watch() throws {
        let consumer = try KafkaConsumer(config: config)
        let admin = try KafkaAdmin(config: config)
        var assignment: [TopicPartitionOffset] = []
        for topic in [outputTopic, deadLetterTopic] {
            let count = try admin.partitionCount(topic: topic)
            assignment += (0..<Int32(count)).map { TopicPartitionOffset(topic: topic, partition: $0, offset: KafkaOffset.beginning) }
        }
        try consumer.assign(assignment)
        let table = PipelineDemoTable(labels: labels, total: total)
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var lastDraw = Date.distantPast
        while !stopRequested.current, stats.answered.count < total, ContinuousClock.now < deadline {
            if let message = consumer.poll(timeout: .milliseconds(100)), message.error == nil {
                record(message)
            }
            if Date().timeIntervalSince(lastDraw) > table.redrawInterval {
                table.draw(stats)
                lastDraw = Date()
            }
        }
        table.draw(stats)
        try? consumer.close()
    }

    private func record(_ message: KafkaMessage) {
        let key = message.key.map { String(decoding: $0, as: UTF8.self) } ?? ""
        state.withLock { s in
            guard !s.answered.contains(key) else { return }
            s.answered.insert(key)
            s.lastOutput = Date()
            if s.firstOutput == nil { s.firstOutput = s.lastOutput }
            guard message.topic == outputTopic,
                  let value = message.value,
                  let json = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
                  let layer = json["exit_layer"] as? Int, let label = json["label"] as? String
            else {
                s.deadLetters += 1
                return
            }
            s.results += 1
            s.exitLayerSum += layer
            if layer >= 1, layer <= s.exits.count { s.exits[layer - 1] += 1 }
            if let truth = expected[key], let predicted = PipelineDemoLabels.polarity(label) {
                s.labelled += 1
                if truth == predicted { s.correct += 1 }
            }
        }
    }
}

/// Maps model label names onto the demo's polarity labels.
enum PipelineDemoLabels {
    static func polarity(_ label: String) -> String? {
        switch label.lowercased() {
        case "positive", "pos", "1", "good", "label_1": "positive"
        case "negative", "neg", "0", "bad", "label_0": "negative"
        default: nil
        }
    }
}
