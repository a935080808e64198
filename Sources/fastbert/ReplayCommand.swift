import ArgumentParser
import FastBERT
import Jobs
import Foundation
import Pipeline

/// `fastbert replay`: backfills a fixed range of a topic into a named output topic.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Classify a fixed range of a topic (offsets or timestamps) into an output topic; no group commits.",
        discussion: """
            The range end is captured when the replay starts (high watermarks), so it terminates while the topic \
            grows. Ends are exclusive: --to-offset 100 stops before offset 100, --to-timestamp T before the first \
            record stamped T or later. Timestamps are milliseconds since the epoch or ISO 8601 \
            (2026-11-29T10:00:00Z). When the broker cannot map timestamps to offsets the range is scanned and \
            filtered by record timestamp.
            """)

    @OptionGroup var config: ConfigFileOptions
    @OptionGroup var kafka: KafkaOptions

    @Option(help: "Topic to replay.")
    var inputTopic: String

    @Option(help: "Topic for results.")
    var outputTopic: String

    @Option(help: "First offset (every partition).")
    var fromOffset: Int64?

    @Option(help: "First timestamp (ms since epoch or ISO 8601).")
    var fromTimestamp: String?

    @Option(help: "End offset, exclusive (every partition).")
    var toOffset: Int64?

    @Option(help: "End timestamp, exclusive.")
    var toTimestamp: String?

    @Flag(help: "Replay up to the end of each partition as of the start.")
    var toEnd = false

    @Option(name: .customLong("partition"), help: "Replay only this partition (repeatable).")
    var partitions: [Int32] = []

    @Flag(help: "No progress bar on stderr.")
    var noProgress = false

    @OptionGroup var processing: RecordProcessingOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        _ = try kafka.requiredBrokers()
        guard (fromOffset == nil) != (fromTimestamp == nil) else {
            throw ValidationError("give exactly one of --from-offset, --from-timestamp")
        }
        guard [toOffset != nil, toTimestamp != nil, toEnd].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --to-offset, --to-timestamp, --to-end")
        }
        if let fromTimestamp { _ = try parseTimestamp(fromTimestamp) }
        if let toTimestamp { _ = try parseTimestamp(toTimestamp) }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "fastbert.replay")
        let bundle = try processing.bundle()
        let settings = try processing.settings(outputTopic: outputTopic, bundle: bundle)
        if let warning = processing.exitWarning(bundle: bundle, rule: settings.exit) { logger.warning("\(warning)") }
        let start: ReplayStart = if let fromOffset { .offset(fromOffset) } else { .timestamp(try parseTimestamp(fromTimestamp ?? "0")) }
        let end: ReplayEnd = if let toOffset { .offset(toOffset) } else if let toTimestamp { .timestamp(try parseTimestamp(toTimestamp)) } else { .end }
        let configuration = ReplayConfiguration(
            brokers: try kafka.requiredBrokers(), inputTopic: inputTopic, start: start, end: end,
            partitions: partitions.isEmpty ? nil : partitions,
            processing: settings,
            kafkaProperties: try kafka.properties(), showProgress: !noProgress)
        let replay = ReplayPipeline(configuration: configuration, model: bundle, logger: logger)
        try await runServices([replay], logger: logger, shutdownTimeout: configuration.drainTimeout)
        if let summary = replay.summary {
            let skipped = summary.unreadable > 0 ? ", \(summary.unreadable) unreadable skipped" : ""
            print("replayed \(summary.processed) record(s) of \(summary.rangeSize) in range (\(summary.filtered) filtered by timestamp"
                  + skipped + ") in " + String(format: "%.1f s", summary.seconds))
        }
    }
}

/// Milliseconds since the epoch, or an ISO 8601 date.
func parseTimestamp(_ text: String) throws -> Int64 {
    if let ms = Int64(text) { return ms }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text) {
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
    throw ValidationError("'\(text)' is neither milliseconds since the epoch nor an ISO 8601 timestamp")
}
