/// How an input record's value carries its text.
public enum InputFormat: String, Sendable, CaseIterable {
    /// The whole value is UTF-8 text.
    case text
    /// The value is a JSON object; the text is in a configurable (dotted-path) field.
    case json
}
