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

    @Option(help: "Let records that survive a layer wait up to this many milliseconds in total for later micro-batches' survivors, so deep layers run on fuller batches (0: off).")
    var maxPoolWaitMs = Int(ProcessingSettings.Defaults.maxPoolWait / .milliseconds(1))

    @Option(help: "Dead-letter topic for bad inputs (default: error records on the output topic).")
    var dlqTopic: String?

    @Option(help: "Memory budget in bytes for records in flight (inputs waiting for inference, outputs waiting for the broker); consumption pauses at it, and librdkafka's queues are sized from it.")
    var maxInFlightBytes: Int = ProcessingSettings.Defaults.maxInFlightBytes

    @Flag(help: "Step over records the consumer cannot read (corrupt batches) instead of stopping their partition there.")
    var skipUnreadableRecords = false

    func validate() throws {
        guard maxWaitMs >= 0 else { throw ValidationError("--max-wait-ms must not be negative") }
        guard maxPoolWaitMs >= 0 else { throw ValidationError("--max-pool-wait-ms must not be negative (0 turns the pools off)") }
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

    /// The settings for `bundle`; with `adaptive` on (serve only) the speed follows the backlog.
    func settings(outputTopic: String, bundle: ModelBundle, adaptive: AdaptiveSpeedOptions? = nil) throws -> ProcessingSettings {
        ProcessingSettings(
            exit: try exitRule(bundle: bundle, adaptive: adaptive), maxBatch: batch.maxBatch, maxWait: .milliseconds(stream.maxWaitMs),
            maxPoolWait: .milliseconds(stream.maxPoolWaitMs), maxInFlightBytes: stream.maxInFlightBytes, skipUnreadableRecords: stream.skipUnreadableRecords,
            decoder: input.decoder, routing: OutputRouting(outputTopic: outputTopic, deadLetterTopic: stream.dlqTopic))
    }

    private func exitRule(bundle: ModelBundle, adaptive: AdaptiveSpeedOptions?) throws -> ExitRule {
        switch speed.exit {
        case .calibrated:
            if adaptive?.adaptiveMaxSpeed != nil {
                throw CommandFailure("--adaptive-max-speed moves the paper's speed; it cannot be combined with --exit calibrated")
            }
            return .calibrated(try SpeedOptions.calibrated(bundle, folder: model.model, warn: false).policy)
        case .speed:
            if let adaptive = try adaptive?.setting(baseSpeed: speed.speed) { return .adaptive(adaptive) }
            return .speed(speed.speed)
        }
    }

    /// What a long-running stream should log at startup about this model's early exit: the
    /// calibration's verdict when it found that nothing beats full depth but the rule exits early.
    func exitWarning(bundle: ModelBundle, rule: ExitRule) -> String? {
        guard let calibrated = bundle.calibratedExit, !calibrated.paysOff else { return nil }
        let exitsEarly = switch rule {
        case .speed(let speed): speed > 0
        case .adaptive: true
        case .calibrated(let policy): policy.exitsEarly(numLayers: bundle.numLayers)
        }
        return exitsEarly ? "early exit does not pay for this model: \(calibrated.summary)" : nil
    }
}

/// Adaptive speed (serve): the speed rises from --speed towards a maximum while the group lags.
struct AdaptiveSpeedOptions: ParsableArguments {
    @Option(help: "Turn on adaptive speed: under backlog the speed rises from --speed up to this value, and falls back as the backlog drains.")
    var adaptiveMaxSpeed: Float?

    @Option(help: "Consumer lag (records, all assigned partitions) that counts as a backlog for adaptive speed.")
    var adaptiveTargetLag: Int64 = AdaptiveSpeed.Defaults.targetLag

    @Option(help: "Queue wait (ms, oldest record of a batch) that also counts as a backlog for adaptive speed; unset: lag only.")
    var adaptiveTargetWaitMs: Int?

    func validate() throws {
        if let adaptiveMaxSpeed, !(0...1).contains(adaptiveMaxSpeed) {
            throw ValidationError("--adaptive-max-speed must be in [0, 1]")
        }
        guard adaptiveTargetLag >= 1 else { throw ValidationError("--adaptive-target-lag must be at least 1") }
        if let adaptiveTargetWaitMs, adaptiveTargetWaitMs < 1 {
            throw ValidationError("--adaptive-target-wait-ms must be at least 1")
        }
    }

    func setting(baseSpeed: Float) throws -> AdaptiveSpeed? {
        guard let adaptiveMaxSpeed else { return nil }
        guard adaptiveMaxSpeed > baseSpeed else {
            throw CommandFailure("--adaptive-max-speed \(adaptiveMaxSpeed) must be above --speed \(baseSpeed)")
        }
        return AdaptiveSpeed(baseSpeed: baseSpeed, maxSpeed: adaptiveMaxSpeed, targetLag: adaptiveTargetLag,
                             targetWait: adaptiveTargetWaitMs.map { .milliseconds($0) })
    }
}
