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
            ChaosCommand.self,
        ]
    )

    /// ArgumentParser's entry point, except that every message it prints on the way out (usage
    /// errors, validation errors, a command's error) has the known secrets masked (`Secrets`).
    static func main() async {
        Secrets.register(arguments: Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let message = Secrets.redact(fullMessage(for: error))
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
