import ArgumentParser
import Foundation

/// The three places a setting of `serve` or `replay` can come from, merged with flags over
/// environment variables over the config file: `--config FILE` (YAML, `ConfigFileReader`), then
/// `FASTBERT_<COMMAND>_<OPTION>` variables, then the command line. A setting given at a higher
/// layer replaces the lower ones entirely (a list too). The result is an ordinary argument list
/// for ArgumentParser, which validates every value; its errors are traced back to the key's
/// file line or variable (`explain`).
struct ConfigLayers: Sendable {
    static let commands: [any ParsableCommand.Type] = [ServeCommand.self, ReplayCommand.self]

    let options: CommandOptions
    /// File, then environment, then command line; only the winning layer's setting of each option.
    let settings: [ConfigSetting]
    /// Arguments of the command line that are not options (there are none for serve and replay,
    /// but a stray positional still reaches ArgumentParser to be refused there).
    let rest: [String]

    /// `arguments` starts with the subcommand; nil when it is not one that takes config layers.
    static func expand(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ConfigLayers? {
        guard let name = arguments.first, let command = commands.first(where: { $0.configuration.commandName == name }) else {
            return nil
        }
        return try ConfigLayers(command: command, arguments: Array(arguments.dropFirst()), environment: environment)
    }

    init(command: any ParsableCommand.Type, arguments: [String], environment: [String: String]) throws {
        let options = try CommandOptions(command)
        self.options = options
        let (flags, rest, configPath) = Self.split(arguments, options: options)
        self.rest = rest
        let file = try configPath.map { try ConfigFileReader.read($0, options: options) } ?? []
        let env = try Self.environmentSettings(environment, options: options)
        var winners: [String: ConfigSetting] = [:]
        for layer in [file, env, flags] {
            let names = Set(layer.map(\.name))
            for name in names { winners[name] = nil }
            for setting in layer {
                if var existing = winners[setting.name] {
                    existing.values += setting.values
                    winners[setting.name] = existing
                } else {
                    winners[setting.name] = setting
                }
            }
        }
        // Unknown command-line options stay, for ArgumentParser to refuse; a flag set to false in
        // a file or variable is simply absent.
        let known = options.ordered.compactMap { winners[$0.name] }.filter { !(options.options[$0.name]?.isFlag == true && $0.values == ["false"]) }
        settings = known + flags.filter { options.options[$0.name] == nil }
    }

    /// The argument list ArgumentParser parses: subcommand, every setting, the rest.
    func arguments(subcommand: String) -> [String] {
        [subcommand] + settings.flatMap(\.arguments) + rest
    }

    /// Adds to ArgumentParser's message where each option it names came from, when not the command line.
    func explain(_ message: String) -> String {
        let error = message.split(separator: "\n").first.map(String.init) ?? message  // not the usage lines after it
        let origins = settings.filter { $0.source != .flag && error.contains("--\($0.name)") }
            .map { "--\($0.name) came from \($0.source) (key '\($0.name)')" }
        guard !origins.isEmpty else { return message }
        return ([error] + origins.map { "  " + $0 } + message.split(separator: "\n").dropFirst().map(String.init)).joined(separator: "\n")
    }

    /// Command-line options as settings, the `--config FILE` path, and what is not an option.
    private static func split(_ arguments: [String], options: CommandOptions) -> (settings: [ConfigSetting], rest: [String], config: String?) {
        var settings: [ConfigSetting] = [], rest: [String] = [], config: String?
        var i = 0
        while i < arguments.count {
            let token = arguments[i]
            i += 1
            guard token.hasPrefix("--"), token.count > 2 else {
                rest.append(token)
                if token == "--" { rest += arguments[i...]; break }
                continue
            }
            var name = String(token.dropFirst(2)), value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            } else if options.options[name]?.isFlag != true, i < arguments.count, !arguments[i].hasPrefix("--") {
                value = arguments[i]
                i += 1
            }
            if name == "config" {
                config = value
                continue
            }
            settings.append(ConfigSetting(name: name, values: value.map { [$0] } ?? [], source: .flag))
        }
        return (settings, rest, config)
    }

    /// `FASTBERT_SERVE_SPEED=0.2` style variables of this command; a repeatable option takes one
    /// value per line. An unknown `FASTBERT_<COMMAND>_...` variable is an error, not ignored.
    private static func environmentSettings(_ environment: [String: String], options: CommandOptions) throws -> [ConfigSetting] {
        let prefix = CommandOptions.environmentPrefix + options.command.uppercased() + "_"
        let byVariable = Dictionary(uniqueKeysWithValues: options.ordered.map { (options.environmentVariable(for: $0.name), $0) })
        return try environment.keys.filter { $0.hasPrefix(prefix) }.sorted().map { variable in
            guard let option = byVariable[variable] else {
                throw ConfigError("environment variable \(variable) is not an option of `fastbert \(options.command)`")
            }
            let value = environment[variable] ?? ""
            if option.isFlag {
                guard let on = Bool(value.lowercased()) else { throw ConfigError("environment variable \(variable) is a flag: true or false") }
                return ConfigSetting(name: option.name, values: on ? [] : ["false"], source: .environment(variable: variable))
            }
            let values = option.isRepeating ? value.split(separator: "\n").map(String.init) : [value]
            return ConfigSetting(name: option.name, values: values, source: .environment(variable: variable))
        }
    }
}
