import Foundation

/// Where the parity tests find the package, the MiniLM model and the shared data sets.
enum ParityEnvironment {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // TokenizersTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static let isSkipped = ProcessInfo.processInfo.environment["FASTBERT_SKIP_PARITY"] == "1"

    static var modelDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["FASTBERT_MODEL_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override, relativeTo: packageRoot)
        }
        return packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2")
    }

    static func dataFile(_ relativePath: String) -> URL {
        packageRoot.appendingPathComponent("../shared/data").appendingPathComponent(relativePath).standardizedFileURL
    }

    /// The model files the parity tests need, or a message saying what is missing and how to get it.
    static func requireModelFiles() throws -> URL {
        let directory = modelDirectory
        let missing = ["tokenizer.json", "vocab.txt", "tokenizer_config.json"].filter {
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
        }
        guard missing.isEmpty else {
            throw ParityError("""
                MiniLM tokenizer files missing in \(directory.path): \(missing.joined(separator: ", ")). \
                Run scripts/fetch-model, set FASTBERT_MODEL_DIR, or set FASTBERT_SKIP_PARITY=1 to skip parity tests.
                """)
        }
        return directory
    }
}

struct ParityError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
