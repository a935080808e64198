import ArgumentParser
import Foundation
import Kafka

/// `fastbert config check FILE` and `fastbert config print COMMAND [ARGS]`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a config file, or print the effective settings of serve or replay (secrets redacted).",
        subcommands: [Check.self, Print.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check FILE (with the environment's FASTBERT_<COMMAND>_* variables) as `fastbert COMMAND --config FILE` would read it.")

        @Argument(help: "The YAML config file.")
        var file: String

        @Option(help: "The command the file is for: serve or replay.")
        var command: String = "serve"

        func run() throws {
            let layers = try ConfigCommand.layers(command, ["--config", file])
            let type = try ConfigCommand.type(command)
            do {
                _ = try type.parse(Array(layers.arguments(subcommand: command).dropFirst()))
            } catch {
                throw CommandFailure(layers.explain(type.message(for: error)))
            }
            print("config ok: \(file) (\(layers.settings.count) setting(s) for `fastbert \(command)`)")
        }
    }

    struct Print: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every setting of COMMAND as it would run with these arguments, its source, and its value (secrets redacted).")

        @Argument(help: "serve or replay.")
        var command: String

        @Argument(parsing: .captureForPassthrough, help: "The command's arguments, --config FILE included.")
        var arguments: [String] = []

        func run() throws {
            let layers = try ConfigCommand.layers(command, arguments)
            let given = Dictionary(layers.settings.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            print("# fastbert \(command): effective settings (flags > environment > config file > default)")
            for option in layers.options.ordered {
                let setting = given[option.name]
                let source = setting.map { "\($0.source)" } ?? "default"
                let value: String
                if let setting {
                    value = option.isFlag ? "true" : render(setting.values, option: option)
                } else {
                    value = option.isFlag ? "false" : option.defaultValue.map(quoted) ?? "~"
                }
                print("\(option.name): \(value)  # \(source)")
            }
        }

        private func render(_ values: [String], option: CommandOptions.Option) -> String {
            let shown = values.map { value in
                guard let equals = value.firstIndex(of: "="), option.name == "kafka" else { return value }
                let key = String(value[..<equals])
                return SensitiveProperty.isSensitive(key) ? "\(key)=***" : value
            }
            return option.isRepeating ? "[" + shown.map(quoted).joined(separator: ", ") + "]" : quoted(shown.first ?? "")
        }

        private func quoted(_ value: String) -> String {
            let plain = !value.isEmpty && value.allSatisfy { $0.isLetter || $0.isNumber || "._-/:".contains($0) }
            return plain ? value : "\"" + value.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
    }

    static func type(_ command: String) throws -> any ParsableCommand.Type {
        guard let type = ConfigLayers.commands.first(where: { $0.configuration.commandName == command }) else {
            throw ValidationError("config files are for serve and replay, not '\(command)'")
        }
        return type
    }

    static func layers(_ command: String, _ arguments: [String]) throws -> ConfigLayers {
        do {
            return try ConfigLayers(command: type(command), arguments: arguments, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigError {
            throw CommandFailure(error.description)
        }
    }
}
