import ArgumentParser
import Foundation

@main
struct FastBERTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fastbert",
        abstract: "Classify text with FastBERT (early-exit BERT), from the command line or a Kafka stream.",
        version: FastBERTVersion.string,
        subcommands: [
            ClassifyCommand.self, TokenizeCommand.self, InspectCommand.self, BenchCommand.self, TrainCommand.self,
            DistillCommand.self, EvalCommand.self, CalibrateCommand.self, AttachHeadsCommand.self,
            ServeCommand.self, ReplayCommand.self, DemoCommand.self, KafkaMockCommand.self, PipelineBenchCommand.self,
            ChaosCommand.self, BurstBenchCommand.self, PoolsBenchCommand.self, ConfigCommand.self,
        ]
    )

    /// ArgumentParser's entry point, except that every message it prints on the way out (usage
    /// errors, validation errors, a command's error) has the known secrets masked (`Secrets`).
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var layers: ConfigLayers?
        do {
            layers = try ConfigLayers.expand(arguments)
            if let layers, let subcommand = arguments.first { arguments = layers.arguments(subcommand: subcommand) }
        } catch {
            Secrets.register(arguments: arguments)
            FileHandle.standardError.write(Data(("Error: " + Secrets.redact("\(error)") + "\n").utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        // With the config file's and the environment's settings, so their secrets are known too.
        Secrets.register(arguments: arguments)
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let message = Secrets.redact(layers.map { $0.explain(fullMessage(for: error)) } ?? fullMessage(for: error))
            let code = exitCode(for: error)
            if !message.isEmpty {
                if code == .success {
                    print(message)
                } else {
                    FileHandle.standardError.write(Data((message + "\n").utf8))
                }
            }
            Foundation.exit(code.rawValue)
        }
    }
}
