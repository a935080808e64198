import Kafka
import Synchronization

/// The secret values this process knows of: the resolved values of sensitive `--kafka`
/// properties (`SensitiveProperty`) and whatever follows a sensitive `KEY=` anywhere on the
/// command line (so that a mistyped option does not echo it in ArgumentParser's error). Log
/// lines (`RedactingLogHandler`) and the final error message (`FastBERTCommand.main`) are
/// passed through `redact`.
enum Secrets {
    private static let known = Mutex<Set<String>>([])

    /// Remembers the values of the sensitive properties among `properties`.
    static func register(_ properties: [(String, String)]) {
        let values = properties.filter { SensitiveProperty.isSensitive($0.0) }.map(\.1).filter { !$0.isEmpty }
        known.withLock { $0.formUnion(values) }
    }

    /// Remembers the value of every `KEY=VALUE` argument (also `--option=KEY=VALUE`) with a
    /// sensitive key.
    static func register(arguments: [String]) {
        register(arguments.compactMap { argument in
            var text = Substring(argument)
            if text.hasPrefix("--"), let eq = text.firstIndex(of: "="), !SensitiveProperty.isSensitive(String(text[..<eq])) {
                text = text[text.index(after: eq)...]
            }
            guard let eq = text.firstIndex(of: "=") else { return nil }
            return (String(text[..<eq]), String(text[text.index(after: eq)...]))
        })
    }

    static func redact(_ text: String) -> String {
        SensitiveProperty.redact(text, secrets: known.withLock { $0 })
    }
}
