import Foundation

public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    case fileNotFound(URL)
    case unreadableFile(URL, reason: String)
    case malformedFile(URL, reason: String)
    case unsupported(URL, feature: String)
    /// A token the tokenizer needs (unknown, CLS, SEP, PAD) is not in the vocabulary.
    case missingToken(String, file: URL?)
    case noTokenizerFiles(directory: URL)

    public var description: String {
        switch self {
        case .fileNotFound(let url):
            "tokenizer file not found: \(url.path)"
        case .unreadableFile(let url, let reason):
            "cannot read tokenizer file \(url.path): \(reason)"
        case .malformedFile(let url, let reason):
            "malformed tokenizer file \(url.path): \(reason)"
        case .unsupported(let url, let feature):
            "unsupported tokenizer setting in \(url.path): \(feature)"
        case .missingToken(let token, let file):
            "token \(token) is not in the vocabulary" + (file.map { " of \($0.path)" } ?? "")
        case .noTokenizerFiles(let directory):
            "neither tokenizer.json nor vocab.txt found in \(directory.path)"
        }
    }
}
