import ArgumentParser
import Pipeline

/// Model and record-processing options shared by `serve` and `replay`.
struct PipelineProcessingOptions: ParsableArguments {
    @Option(help: "Model folder (config.json, model.safetensors, vocab.txt/tokenizer.json).")
    var model: String = "models/demo"

    @Option(help: "Exit threshold on normalized entropy: 0 = full depth, higher = earlier exits.")
    var speed: Float = ProcessingSettings.Defaults.speed

    @Option(help: "Flush a micro-batch at this many messages...")
    var maxBatch: Int = ProcessingSettings.Defaults.maxBatch

    @Option(help: "...or when its oldest message has waited this many milliseconds.")
    var maxWaitMs = Int(ProcessingSettings.Defaults.maxWait / .milliseconds(1))

    @Option(help: "Dead-letter topic for bad inputs (default: error records on the output topic).")
    var dlqTopic: String?

    @Option(help: "Input value format: text (UTF-8) or json.")
    var inputFormat: String = "text"

    @Option(help: "Field holding the text in JSON inputs (dotted path allowed).")
    var textField: String = "text"

    @Option(help: "Reject values larger than this many bytes (smaller ones are truncated to the model's max tokens).")
    var maxBytes: Int = InputDecoder.defaultMaxBytes

    @Option(help: "Maximum tokens per input, [CLS] and [SEP] included.")
    var maxLength: Int = 128

    @Option(help: "librdkafka property KEY=VALUE for both clients (prefix consumer. or producer. for one); repeatable.")
    var kafka: [String] = []

    @Option(help: "Memory budget in bytes for records in flight (inputs waiting for inference, outputs waiting for the broker); consumption pauses at it, and librdkafka's queues are sized from it.")
    var maxInFlightBytes: Int = ProcessingSettings.Defaults.maxInFlightBytes

    @Flag(help: "Step over records the consumer cannot read (corrupt batches) instead of stopping their partition there.")
    var skipUnreadableRecords = false

    @Option(help: "Threads for matrix products.")
    var threads: Int = ProcessingSettings.Defaults.threads

    func validate() throws {
        guard (0...1).contains(speed) else { throw ValidationError("--speed must be in [0, 1]") }
        guard maxBatch > 0 else { throw ValidationError("--max-batch must be positive") }
        guard maxWaitMs >= 0 else { throw ValidationError("--max-wait-ms must not be negative") }
        guard InputFormat(rawValue: inputFormat) != nil else { throw ValidationError("--input-format must be text or json") }
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be positive") }
        guard maxLength >= 2 else { throw ValidationError("--max-length must be at least 2") }
        guard maxInFlightBytes >= 1 << 20 else { throw ValidationError("--max-in-flight-bytes must be at least 1048576 (1 MiB)") }
        _ = try parseKafkaProperties(kafka)
    }

    func settings(outputTopic: String) -> ProcessingSettings {
        ProcessingSettings(
            speed: speed, maxBatch: maxBatch, maxWait: .milliseconds(maxWaitMs), threads: threads,
            maxInFlightBytes: maxInFlightBytes, skipUnreadableRecords: skipUnreadableRecords,
            decoder: InputDecoder(format: InputFormat(rawValue: inputFormat) ?? .text, textField: textField, maxBytes: maxBytes),
            routing: OutputRouting(outputTopic: outputTopic, deadLetterTopic: dlqTopic))
    }
}
