import Foundation

/// Validates JSON documents against the repository's schemas/ with Python's `jsonschema`
/// (Draft 2020-12, cross-file $refs resolved through a registry).
enum SchemaValidator {
    static let schemasDirectory = PackageRoot.url.appendingPathComponent("schemas").path

    private static let script = """
        import json, pathlib, sys
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        directory = pathlib.Path(sys.argv[1])
        resources = []
        for path in directory.glob("*.schema.json"):
            doc = json.loads(path.read_text())
            resources.append((doc["$id"], Resource.from_contents(doc)))
        registry = Registry().with_resources(resources)
        schema = json.loads((directory / sys.argv[2]).read_text())
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema, registry=registry)
        bad = 0
        count = 0
        for line in open(sys.argv[3]):
            count += 1
            errors = list(validator.iter_errors(json.loads(line)))
            if errors:
                bad += 1
                if bad <= 5:
                    print(f"document {count - 1}: {errors[0].message}")
        print(f"{count} documents, {bad} invalid")
        sys.exit(1 if bad else 0)
        """

    /// nil if every document is valid, else the validator's report.
    static func failures(schema: String, documents: [[UInt8]]) throws -> String? {
        let dir = NSTemporaryDirectory() + "fastbert-schema-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = Data()
        for doc in documents {
            // Re-serialise each document on one line.
            let object = try JSONSerialization.jsonObject(with: Data(doc), options: [.fragmentsAllowed])
            lines.append(try JSONSerialization.data(withJSONObject: object, options: [.fragmentsAllowed]))
            lines.append(0x0A)
        }
        let path = dir + "/docs.jsonl"
        try lines.write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, schemasDirectory, schema, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : output
    }
}

/// The repository's root folder (this file is Tests/PipelineTests/Support/SchemaValidator.swift).
enum PackageRoot {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
