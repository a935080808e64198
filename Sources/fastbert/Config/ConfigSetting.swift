/// One option as a layer gives it: the option's long name, the values it passes (one per
/// occurrence; none for a flag that is on) and where it came from, for errors and `config print`.
struct ConfigSetting: Sendable, Equatable {
    enum Source: Sendable, Equatable, CustomStringConvertible {
        case flag
        case environment(variable: String)
        case file(path: String, line: Int)

        var description: String {
            switch self {
            case .flag: "command line"
            case .environment(let variable): "environment \(variable)"
            case .file(let path, let line): "\(path) line \(line)"
            }
        }
    }

    var name: String
    var values: [String]
    var source: Source

    /// As command-line arguments; `--name=value`, so that a value starting with '-' (a negative
    /// number) stays a value for ArgumentParser and reaches validation.
    var arguments: [String] { values.isEmpty ? ["--\(name)"] : values.map { "--\(name)=\($0)" } }
}
