import CRdKafka

/// librdkafka configuration as an ordered list of `key = value` properties
/// (see librdkafka's CONFIGURATION.md for keys). Setting a key again replaces its value in
/// place. Producer/consumer/admin initialisers add their own defaults for keys the caller
/// did not set; invalid keys or values are reported as a `KafkaError` naming the key; the values of
/// sensitive properties (`SensitiveProperty`) are never part of a printed text.
public struct KafkaConfig: Sendable, Hashable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// Properties in insertion order.
    public private(set) var entries: [(key: String, value: String)] = []

    public init() {}

    public init(_ entries: [(String, String)]) {
        for (k, v) in entries { self[k] = v }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// Convenience: `bootstrap.servers` plus extra properties.
    public init(bootstrapServers: String, _ extra: [(String, String)] = []) {
        self.init([("bootstrap.servers", bootstrapServers)] + extra)
    }

    public subscript(key: String) -> String? {
        get { entries.first { $0.key == key }?.value }
        set {
            let index = entries.firstIndex { $0.key == key }
            switch (index, newValue) {
            case let (i?, v?): entries[i].value = v
            case let (i?, nil): entries.remove(at: i)
            case let (nil, v?): entries.append((key, v))
            case (nil, nil): break
            }
        }
    }

    /// Returns a copy with `key` set to `value` only if the caller has not set it.
    public func withDefault(_ key: String, _ value: String) -> KafkaConfig {
        var copy = self
        if copy[key] == nil { copy[key] = value }
        return copy
    }

    /// Returns a copy with `key` set to `value` (overriding any previous value).
    public func setting(_ key: String, _ value: String) -> KafkaConfig {
        var copy = self
        copy[key] = value
        return copy
    }

    public var description: String {
        entries.map { e in "\(e.key)=\(SensitiveProperty.isSensitive(e.key) ? SensitiveProperty.mask : e.value)" }
            .joined(separator: ", ")
    }

    /// The values of the sensitive properties (`SensitiveProperty`), to remove from printed text.
    public var secretValues: [String] {
        entries.filter { SensitiveProperty.isSensitive($0.key) }.map(\.value)
    }

    /// `text` with the values of this configuration's sensitive properties masked.
    public func redact(_ text: String) -> String { SensitiveProperty.redact(text, secrets: secretValues) }

    public static func == (lhs: KafkaConfig, rhs: KafkaConfig) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for e in entries {
            hasher.combine(e.key)
            hasher.combine(e.value)
        }
    }

    /// Builds a new `rd_kafka_conf_t`; the caller owns it (pass it to `rd_kafka_new` or
    /// destroy it). Throws `_INVALID_ARG` naming the first offending key.
    func makeNative() throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(code: .invalidArgument, message: "rd_kafka_conf_new failed")
        }
        var errstr = [CChar](repeating: 0, count: 512)
        for (key, value) in entries {
            let res = rd_kafka_conf_set(conf, key, value, &errstr, errstr.count)
            if res != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let kind = res == RD_KAFKA_CONF_UNKNOWN ? "unknown configuration property" : "invalid configuration value"
                let detail = String(decoding: errstr.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw KafkaError(code: .invalidArgument, message: redact("\(kind) '\(key)': \(detail)"), key: key)
            }
        }
        return conf
    }
}
