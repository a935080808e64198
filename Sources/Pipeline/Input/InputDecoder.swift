import Foundation

/// Turns a record value into the text to classify, or says why it cannot (schemas/input.schema.json).
/// Pure and `Sendable`: safe from any thread.
public struct InputDecoder: Sendable {
    public var format: InputFormat
    /// Dotted path of the text inside a JSON object, e.g. `text` or `payload.body`.
    public var textField: String
    /// Values larger than this are rejected as `too_large` (smaller ones are truncated to the
    /// model's maximum token count by the tokenizer).
    public var maxBytes: Int

    /// The default of `maxBytes` (also the CLI's `--max-bytes`).
    public static let defaultMaxBytes = 512 * 1024

    public init(format: InputFormat = .text, textField: String = "text", maxBytes: Int = defaultMaxBytes) {
        self.format = format
        self.textField = textField
        self.maxBytes = maxBytes
    }

    public func decode(_ value: [UInt8]?) -> Result<String, InputRejection> {
        guard let value else { return .failure(InputRejection(.nullValue, "record value is null")) }
        guard !value.isEmpty else { return .failure(InputRejection(.emptyValue, "record value is empty")) }
        guard value.count <= maxBytes else {
            return .failure(InputRejection(.tooLarge, "value has \(value.count) bytes, limit is \(maxBytes)"))
        }
        guard let text = String(validating: value, as: UTF8.self) else {
            return .failure(InputRejection(.invalidUTF8, "value is not valid UTF-8"))
        }
        let extracted: String
        switch format {
        case .text:
            extracted = text
        case .json:
            switch extractField(from: value) {
            case .success(let field): extracted = field
            case .failure(let rejection): return .failure(rejection)
            }
        }
        guard extracted.contains(where: { !$0.isWhitespace }) else {
            return .failure(InputRejection(.emptyValue, format == .json ? "field '\(textField)' is empty" : "text is blank"))
        }
        return .success(extracted)
    }

    private func extractField(from value: [UInt8]) -> Result<String, InputRejection> {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(value), options: [.fragmentsAllowed])
        } catch {
            return .failure(InputRejection(.invalidJSON, "value is not valid JSON"))
        }
        guard var node = parsed as? [String: Any] else {
            return .failure(InputRejection(.invalidJSON, "value is JSON but not an object"))
        }
        let path = textField.split(separator: ".").map(String.init)
        for (index, component) in path.enumerated() {
            guard let child = node[component] else { break }
            if index == path.count - 1 {
                guard let text = child as? String else {
                    return .failure(InputRejection(.missingTextField, "field '\(textField)' is not a string"))
                }
                return .success(text)
            }
            guard let object = child as? [String: Any] else { break }
            node = object
        }
        return .failure(InputRejection(.missingTextField, "field '\(textField)' is missing"))
    }
}
