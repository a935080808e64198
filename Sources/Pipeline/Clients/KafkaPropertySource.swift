import Foundation

/// Where the values of librdkafka properties come from, so that secrets need not be written on
/// the command line (where `ps` shows them):
///
/// - `--kafka KEY=VALUE`: the value as given;
/// - `--kafka KEY=@PATH`: the contents of the file at PATH, trailing newlines removed;
/// - `--kafka KEY=env:NAME`: the value of the environment variable NAME;
/// - `--kafka-file PATH`: a properties file, one `KEY=VALUE` per line (blank lines and lines
///   starting with `#` skipped, spaces around the key and before the value ignored); its values are taken literally,
///   which is also the way to pass a value that itself starts with `@` or `env:`.
///
/// Files are read first, then the arguments, in order; a key given again replaces the earlier
/// value. Errors name the key, the file and line or the variable, never a value.
public enum KafkaPropertySource {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Marks a value read from a file.
    public static let filePrefix = "@"
    /// Marks a value read from an environment variable.
    public static let environmentPrefix = "env:"

    /// Every property of the files, then of the arguments, with their values resolved.
    public static func resolve(
        files: [String], arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Failure) -> [(String, String)] {
        var properties: [(String, String)] = []
        for path in files { properties += try file(path) }
        for (index, item) in arguments.enumerated() {
            properties.append(try argument(item, position: index + 1, environment: environment))
        }
        return properties
    }

    /// One `--kafka` argument (`position` counts from 1, for the error text).
    static func argument(_ item: String, position: Int, environment: [String: String]) throws(Failure) -> (String, String) {
        guard let eq = item.firstIndex(of: "=") else {
            throw Failure("--kafka argument \(position) is not KEY=VALUE (no '='; not shown, it may hold a secret)")
        }
        let key = String(item[..<eq]).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { throw Failure("--kafka argument \(position) has an empty key") }
        let value = String(item[item.index(after: eq)...])
        if value.hasPrefix(filePrefix) {
            let path = String(value.dropFirst(filePrefix.count))
            do {
                var contents = try String(contentsOfFile: path, encoding: .utf8)
                while contents.last?.isNewline == true { contents.removeLast() }
                return (key, contents)
            } catch {
                throw Failure("--kafka \(key): cannot read the value file '\(path)' (\(reason(error)))")
            }
        }
        if value.hasPrefix(environmentPrefix) {
            let name = String(value.dropFirst(environmentPrefix.count))
            guard let resolved = environment[name] else {
                throw Failure("--kafka \(key): the environment variable '\(name)' is not set")
            }
            return (key, resolved)
        }
        return (key, value)
    }

    /// The properties of one `--kafka-file`.
    static func file(_ path: String) throws(Failure) -> [(String, String)] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Failure("--kafka-file '\(path)': cannot read it (\(reason(error)))")
        }
        var properties: [(String, String)] = []
        // `isNewline`: "\r\n" is one Character in Swift, so splitting at "\n" would not split it.
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw Failure("--kafka-file '\(path)' line \(number + 1) is not KEY=VALUE (no '='; not shown, it may hold a secret)")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw Failure("--kafka-file '\(path)' line \(number + 1) has an empty key") }
            properties.append((key, String(line[line.index(after: eq)...].drop { $0 == " " || $0 == "\t" })))
        }
        return properties
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}
