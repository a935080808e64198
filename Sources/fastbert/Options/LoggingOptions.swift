import ArgumentParser
import Logging

/// The log level of the streaming commands (swift-log to stderr).
struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// Sends logs to stderr at the chosen level (librdkafka's own logs at warning and above), with
    /// every known secret masked (`Secrets`).
    func bootstrap(label: String) -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { name in
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = name.hasPrefix("kafka") ? max(level, .warning) : level
            return RedactingLogHandler(inner: handler)
        }
        return Logger(label: label)
    }
}
