import Foundation

/// Reading tokenizer files with errors that name the file.
enum TokenizerFiles {
    static func exists(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.path)
    }

    static func bytes(of url: URL) throws(TokenizerError) -> [UInt8] {
        guard exists(url) else { throw .fileNotFound(url) }
        do {
            return Array(try Data(contentsOf: url))
        } catch {
            throw .unreadableFile(url, reason: error.localizedDescription)
        }
    }

    static func json(at url: URL) throws(TokenizerError) -> JSONValue {
        let bytes = try bytes(of: url)
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw .malformedFile(url, reason: error.description)
        }
    }

    /// `value` must be a string, or an AddedToken object `{"content": …}`; nil when absent or null.
    static func tokenText(_ value: JSONValue?, field: String, in url: URL) throws(TokenizerError) -> String? {
        guard let value, !value.isNull else { return nil }
        if let text = value.string ?? value["content"]?.string { return text }
        throw .malformedFile(url, reason: "\(field) is neither a string nor a token object")
    }

    static func bool(_ value: JSONValue?, field: String, in url: URL) throws(TokenizerError) -> Bool? {
        guard let value, !value.isNull else { return nil }
        guard let bool = value.bool else { throw .malformedFile(url, reason: "\(field) is not a boolean") }
        return bool
    }
}
