import Foundation

/// HF `tokenizers` run through scripts/tokenize_reference.py.
enum ReferenceTokenizer {
    /// Ids of each text, `[CLS] … [SEP]` truncated to `maxLength`.
    static func encode(_ texts: [String], tokenizerJSON: URL, maxLength: Int = 512, cased: Bool = false) throws -> [[Int32]] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let encoder = JSONEncoder()
        var input = Data()
        for text in texts {
            input.append(try encoder.encode(text))
            input.append(0x0A)
        }
        let textsFile = directory.url.appendingPathComponent("texts.jsonl")
        let idsFile = directory.url.appendingPathComponent("ids.jsonl")
        try input.write(to: textsFile)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.currentDirectoryURL = ParityEnvironment.packageRoot
        process.arguments = ["python3", "scripts/tokenize_reference.py", "encode", tokenizerJSON.path, textsFile.path, idsFile.path,
                             "--max-length", String(maxLength)] + (cased ? ["--cased"] : [])
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ParityError("""
                scripts/tokenize_reference.py failed (status \(process.terminationStatus)); it needs python3 with the \
                Hugging Face `tokenizers` package (pip install tokenizers), or set FASTBERT_SKIP_PARITY=1.
                \(stderr)
                """)
        }
        let decoder = JSONDecoder()
        let ids = try Data(contentsOf: idsFile).split(separator: 0x0A).map { try decoder.decode([Int32].self, from: Data($0)) }
        guard ids.count == texts.count else {
            throw ParityError("reference tokenizer returned \(ids.count) encodings for \(texts.count) texts")
        }
        return ids
    }
}
