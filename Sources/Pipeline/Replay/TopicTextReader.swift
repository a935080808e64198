import Foundation
import Jobs
import Kafka
import Logging

/// Reads the texts of a topic with the decoder `serve` uses, for self-distillation on
/// unlabelled production traffic: every partition by direct assignment from its low watermark to
/// its high watermark as of the start (no consumer group, nothing committed), until `maxMessages`
/// texts are in. Records the decoder rejects are counted and skipped.
public enum TopicTextReader {
    public struct Sample: Sendable {
        public var texts: [String]
        /// Records read whose value the decoder rejected.
        public var rejected: Int
    }

    public static func read(
        config: KafkaConfig, topic: String, decoder: InputDecoder, maxMessages: Int?, timeout: Duration = .seconds(60),
        showProgress: Bool = true, logger: Logger = Logger(label: "fastbert.distill")
    ) throws(PipelineError) -> Sample {
        var remaining: [TopicPartition: Int64] = [:]  // partition -> end offset (exclusive)
        var startOffsets: [TopicPartitionOffset] = []
        let count: Int
        do {
            let admin = try KafkaAdmin(config: config, logger: logger)
            count = try admin.partitionCount(topic: topic)
            for id in 0..<Int32(count) {
                let marks = try admin.watermarks(topic: topic, partition: id)
                guard marks.high > marks.low else { continue }
                remaining[TopicPartition(topic: topic, partition: id)] = marks.high
                startOffsets.append(TopicPartitionOffset(topic: topic, partition: id, offset: marks.low))
            }
        } catch {
            throw .kafka(error)
        }
        guard count > 0 else { throw .invalidConfiguration("topic '\(topic)' has no partitions") }
        let total = startOffsets.reduce(Int64(0)) { $0 + remaining[$1.topicPartition]! - $1.offset }
        let wanted = min(Int(total), maxMessages ?? Int.max)
        var sample = Sample(texts: [], rejected: 0)
        guard wanted > 0 else { return sample }
        let bar = showProgress ? ProgressBar(title: "read \(topic)", total: wanted, plainInterval: 5) : nil
        let consumer: KafkaConsumer
        do {
            consumer = try KafkaConsumer(config: config.withDefault("auto.offset.reset", "error"), logger: logger)
            try consumer.assign(startOffsets)
        } catch {
            throw .kafka(error)
        }
        defer { try? consumer.close() }
        let deadline = ContinuousClock.now + timeout
        while !remaining.isEmpty, sample.texts.count < wanted {
            guard ContinuousClock.now < deadline else {
                throw .invalidConfiguration("reading '\(topic)' timed out after \(timeout) with \(sample.texts.count) of \(wanted) texts")
            }
            guard let message = consumer.poll(timeout: .milliseconds(200)) else { continue }
            if let error = message.error { throw .kafka(error) }
            let partition = message.topicPartition
            guard let end = remaining[partition], message.offset < end else { continue }
            if message.offset + 1 >= end { remaining[partition] = nil }
            switch decoder.decode(message.value) {
            case .success(let text): sample.texts.append(text)
            case .failure: sample.rejected += 1
            }
            bar?.update(sample.texts.count, detail: "\(sample.rejected) rejected")
        }
        bar?.finish(sample.texts.count, detail: "\(sample.rejected) rejected")
        return sample
    }
}
