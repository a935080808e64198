import Logging

/// A logger whose lines (at `level` and above) are kept for assertions.
final class LogCapture: @unchecked Sendable {
    let lines = Collected<String>()

    func logger(level: Logger.Level = .notice) -> Logger {
        var logger = Logger(label: "pipeline.tests.capture") { [lines] _ in Handler(lines: lines) }
        logger.logLevel = level
        return logger
    }

    /// Lines containing `text`.
    func matching(_ text: String) -> [String] { lines.all.filter { $0.contains(text) } }

    private struct Handler: LogHandler {
        let lines: Collected<String>
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let meta = (event.metadata ?? [:]).merging(metadata) { a, _ in a }
            lines.append("[\(event.level)] \(event.message)" + (meta.isEmpty ? "" : " \(meta)"))
        }
    }
}
