import ArgumentParser
import Foundation

/// The long options a command takes, read from ArgumentParser's own description of the command
/// (the `--experimental-dump-help` JSON), so the config layers know every option, its kind and
/// default without a second list to keep in step.
struct CommandOptions: Sendable {
    struct Option: Sendable {
        var name: String
        var isFlag: Bool
        var isRepeating: Bool
        var defaultValue: String?
        var help: String
    }

    let command: String
    let options: [String: Option]
    /// In the order `--help` shows them.
    let ordered: [Option]

    init(_ type: any ParsableCommand.Type) throws {
        let info = try JSONDecoder().decode(HelpDump.self, from: Data(type._dumpHelp().utf8))
        command = info.command.commandName
        ordered = (info.command.arguments ?? []).compactMap { argument in
            guard argument.kind != "positional", let long = argument.names?.first(where: { $0.kind == "long" })?.name,
                  !["help", "version", "config"].contains(long) else { return nil }
            return Option(name: long, isFlag: argument.kind == "flag", isRepeating: argument.isRepeating ?? false,
                          defaultValue: argument.defaultValue, help: argument.abstract ?? "")
        }
        options = Dictionary(ordered.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// `FASTBERT_SERVE_MAX_BATCH` for `max-batch` of serve.
    func environmentVariable(for name: String) -> String {
        "\(Self.environmentPrefix)\(command.uppercased())_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    static let environmentPrefix = "FASTBERT_"
}

/// The part of ArgumentParser's help dump (serialization version 0) that `CommandOptions` reads.
private struct HelpDump: Decodable {
    struct Command: Decodable {
        var commandName: String
        var arguments: [Argument]?
    }

    struct Argument: Decodable {
        struct Name: Decodable {
            var kind: String
            var name: String
        }

        var kind: String
        var names: [Name]?
        var isRepeating: Bool?
        var defaultValue: String?
        var abstract: String?
    }

    var command: Command
}
