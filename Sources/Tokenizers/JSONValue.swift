/// A parsed JSON document that keeps object members in order and keys byte-exact.
///
/// Foundation's decoders put keys in Swift dictionaries, which merge canonically equivalent
/// keys ("é" vs "e\u{301}") — fatal for a vocabulary object.
indirect enum JSONValue: Sendable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// The last member named `key`, as serde (HF) keeps the last of duplicate keys.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key.utf8.elementsEqual(key.utf8) }?.value
    }

    var members: [JSONMember]? {
        if case .object(let members) = self { members } else { nil }
    }

    var elements: [JSONValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    var bool: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    var isNull: Bool {
        if case .null = self { true } else { false }
    }

    /// Integral numbers only.
    var int: Int? {
        guard case .number(let value) = self, value.rounded() == value, abs(value) < 1e15 else { return nil }
        return Int(value)
    }
}

struct JSONMember: Sendable {
    let key: String
    let value: JSONValue
}
