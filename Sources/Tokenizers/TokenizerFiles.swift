import Foundation

/// Reading tokenizer files with errors that name the file.
enum TokenizerFiles {
    static func exists(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.path)
    }

    /// Read with open/read rather than `Data(contentsOf:)`, which leaks its 4 KiB buffer on an
    /// empty file (found by the tokenizer fuzzer under LeakSanitizer).
    static func bytes(of url: URL) throws(TokenizerError) -> [UInt8] {
        guard exists(url) else { throw .fileNotFound(url) }
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadableFile(url, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadableFile(url, reason: String(cString: strerror(errno)))
            }
            bytes.append(contentsOf: chunk[0..<count])
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
