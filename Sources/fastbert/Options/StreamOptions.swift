import ArgumentParser
import Jobs
import Kafka
import Pipeline

/// How record values become texts (serve, replay, distill --from-topic).
struct InputOptions: ParsableArguments {
    @Option(help: "Input value format: text (UTF-8) or json.")
    var inputFormat: String = "text"

    @Option(help: "Field holding the text in JSON inputs (dotted path allowed).")
    var textField: String = "text"

    @Option(help: "Reject values larger than this many bytes (smaller ones are truncated to the model's max tokens).")
    var maxBytes: Int = InputDecoder.defaultMaxBytes

    func validate() throws {
        guard InputFormat(rawValue: inputFormat) != nil else { throw ValidationError("--input-format must be text or json") }
        guard maxBytes > 0 else { throw ValidationError("--max-bytes must be positive") }
    }

    var decoder: InputDecoder {
        InputDecoder(format: InputFormat(rawValue: inputFormat) ?? .text, textField: textField, maxBytes: maxBytes)
    }
}

/// Micro-batch timing, the memory budget, unreadable records and dead-letter routing of `serve`
/// and `replay`.
struct StreamOptions: ParsableArguments {
    @Option(help: "Flush a micro-batch when its oldest message has waited this many milliseconds.")
    var maxWaitMs = Int(ProcessingSettings.Defaults.maxWait / .milliseconds(1))

    @Option(help: "Dead-letter topic for bad inputs (default: error records on the output topic).")
    var dlqTopic: String?

    @Option(help: "Memory budget in bytes for records in flight (inputs waiting for inference, outputs waiting for the broker); consumption pauses at it, and librdkafka's queues are sized from it.")
    var maxInFlightBytes: Int = ProcessingSettings.Defaults.maxInFlightBytes

    @Flag(help: "Step over records the consumer cannot read (corrupt batches) instead of stopping their partition there.")
    var skipUnreadableRecords = false

    func validate() throws {
        guard maxWaitMs >= 0 else { throw ValidationError("--max-wait-ms must not be negative") }
        guard maxInFlightBytes >= 1 << 20 else { throw ValidationError("--max-in-flight-bytes must be at least 1048576 (1 MiB)") }
    }
}

/// What `serve` and `replay` share about turning records into outputs: the model with its token
/// limit and threads, the exit, batching, input decoding and the stream's timing and routing.
struct RecordProcessingOptions: ParsableArguments {
    @OptionGroup var model: ModelOptions
    @OptionGroup var tokens: TokenLimitOptions
    @OptionGroup var threads: ThreadsOptions
    @OptionGroup var speed: SpeedOptions
    @OptionGroup var batch: BatchOptions
    @OptionGroup var input: InputOptions
    @OptionGroup var stream: StreamOptions

    func bundle() throws -> ModelBundle { try model.bundle(threads: threads, tokens: tokens) }

    /// Serve and replay still take the paper's criterion only; a calibrated policy is refused
    /// rather than ignored.
    func settings(outputTopic: String) throws -> ProcessingSettings {
        guard speed.exit == .speed else {
            throw CommandFailure("--exit calibrated is not supported by serve and replay yet; use --speed S")
        }
        return ProcessingSettings(
            speed: speed.speed, maxBatch: batch.maxBatch, maxWait: .milliseconds(stream.maxWaitMs),
            maxInFlightBytes: stream.maxInFlightBytes, skipUnreadableRecords: stream.skipUnreadableRecords,
            decoder: input.decoder, routing: OutputRouting(outputTopic: outputTopic, deadLetterTopic: stream.dlqTopic))
    }
}
