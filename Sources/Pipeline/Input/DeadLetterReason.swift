/// Why a record could not be classified. The raw value is what appears in dead-letter
/// headers, error outputs and the `fastbert_dead_letters_total{reason=...}` metric.
public enum DeadLetterReason: String, Sendable, CaseIterable, Codable, Hashable {
    case nullValue = "null_value"
    case emptyValue = "empty_value"
    case invalidUTF8 = "invalid_utf8"
    case invalidJSON = "invalid_json"
    case missingTextField = "missing_text_field"
    case tooLarge = "too_large"
    /// A `fastbert-speed` header that is not a number in [0, 1].
    case invalidHeader = "invalid_header"
    case inferenceFailed = "inference_failed"
    /// The broker refused the result for good (e.g. too large because of the input's key).
    case outputRejected = "output_rejected"
}

/// A rejected input: the reason plus a human readable detail.
public struct InputRejection: Error, Sendable, Hashable {
    public var reason: DeadLetterReason
    public var detail: String

    public init(_ reason: DeadLetterReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }
}
