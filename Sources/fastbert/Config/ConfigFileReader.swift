import Foundation
import Yams

/// Reads a YAML config file: a mapping from long option names (as on the command line, without
/// `--`) to a value, a list of values (a repeatable option) or, for `kafka`, a mapping of
/// librdkafka properties. Every error names the file, the line and the key.
enum ConfigFileReader {
    static func read(_ path: String, options: CommandOptions) throws -> [ConfigSetting] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError("cannot read config file '\(path)'")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: String(decoding: data, as: UTF8.self))
        } catch let error as YamlError {
            throw ConfigError("\(path): not valid YAML: \(error)")
        }
        guard let root else { return [] }
        guard let mapping = root.mapping else {
            throw ConfigError("\(path) line \(line(root)): the file must be a mapping of option names to values")
        }
        var seen: Set<String> = []
        return try mapping.map { keyNode, valueNode in
            let at = location(path, keyNode)
            guard let key = keyNode.string else { throw ConfigError("\(at): keys must be option names") }
            guard let option = options.options[key] else {
                throw ConfigError("\(at): '\(key)' is not an option of `fastbert \(options.command)`" + suggestion(key, options))
            }
            guard seen.insert(key).inserted else { throw ConfigError("\(at): '\(key)' is given twice") }
            return ConfigSetting(name: key, values: try values(of: valueNode, option: option, path: path, at: at),
                                 source: .file(path: path, line: line(keyNode)))
        }
    }

    /// `at` is where the key stands; list items and kafka properties are named by their own line.
    private static func values(of node: Node, option: CommandOptions.Option, path: String, at: String) throws -> [String] {
        let key = option.name
        if option.isFlag {
            guard let flag = node.bool else { throw ConfigError("\(at): '\(key)' is a flag: true or false") }
            return flag ? [] : ["false"]  // "false" is dropped by the layers: an absent flag is off
        }
        switch node {
        case .scalar(let scalar):
            return [scalar.string]
        case .sequence(let sequence):
            guard option.isRepeating else { throw ConfigError("\(at): '\(key)' takes one value, not a list") }
            return try sequence.map { item in
                guard let value = item.string else { throw ConfigError("\(location(path, item)): '\(key)' items must be plain values") }
                return value
            }
        case .mapping(let mapping):
            guard key == "kafka" else { throw ConfigError("\(at): '\(key)' takes a value, not a mapping (only kafka does)") }
            return try mapping.map { property, value in
                guard let name = property.string, let text = value.string else {
                    throw ConfigError("\(location(path, property)): kafka properties are NAME: VALUE")
                }
                return "\(name)=\(text)"
            }
        case .alias:
            throw ConfigError("\(at): aliases are not supported")
        }
    }

    private static func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    private static func location(_ path: String, _ node: Node) -> String { "\(path) line \(line(node))" }

    private static func suggestion(_ key: String, _ options: CommandOptions) -> String {
        let normalized = key.replacingOccurrences(of: "_", with: "-").lowercased()
        if options.options[normalized] != nil { return " (did you mean '\(normalized)'?)" }
        return ""
    }
}

struct ConfigError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
