import ArgumentParser
import Foundation
import Logging
import Pipeline
import ServiceLifecycle

/// Options every streaming command shares: logging and Kafka client properties.
struct PipelineLoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    /// Sends logs to stderr at the chosen level (librdkafka's own logs at warning and above).
    func bootstrap(label: String) -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { name in
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = name.hasPrefix("kafka") ? max(level, .warning) : level
            return handler
        }
        return Logger(label: label)
    }
}

/// Parses `--kafka KEY=VALUE` options.
func parseKafkaProperties(_ items: [String]) throws -> [(String, String)] {
    try items.map { item in
        guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
            throw ValidationError("--kafka expects KEY=VALUE, got '\(item)'")
        }
        return (String(item[..<eq]), String(item[item.index(after: eq)...]))
    }
}

/// Loads a model folder for a streaming command, with a hint when the default demo model is missing.
func loadPipelineModel(_ directory: String, maxLength: Int, threads: Int) throws -> LoadedModel {
    guard FileManager.default.fileExists(atPath: directory) else {
        let hint = directory.hasSuffix("models/demo")
            ? " Run scripts/train-demo-model (or scripts/demo, which also builds and runs the demo), or pass --model DIR."
            : ""
        throw CommandFailure("model folder '\(directory)' not found.\(hint)")
    }
    do {
        return try LoadedModel.load(directory: directory, maxLength: maxLength, threads: threads)
    } catch {
        throw CommandFailure("\(error)")
    }
}

/// Runs `services` in a ServiceGroup that shuts down gracefully on SIGTERM/SIGINT; the first
/// service ending (or failing) shuts the whole group down.
func runServices(_ services: [any Service], logger: Logger, shutdownTimeout: Duration) async throws {
    let configurations = services.map {
        ServiceGroupConfiguration.ServiceConfiguration(
            service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
            failureTerminationBehavior: .gracefullyShutdownGroup)
    }
    var configuration = ServiceGroupConfiguration(
        services: configurations, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
    configuration.maximumGracefulShutdownDuration = shutdownTimeout + .seconds(10)
    try await ServiceGroup(configuration: configuration).run()
}
