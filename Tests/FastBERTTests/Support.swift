import Foundation
import XCTest

@testable import FastBERT

enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func tinyConfig(labels: [String] = ["a", "b", "c"], layers: Int = 4) -> BertConfig {
        BertConfig(vocabSize: 100, hiddenSize: 32, numLayers: layers, numHeads: 4, intermediateSize: 64, maxPositions: 64,
                   fastbert: FastBERTConfig(classifierHidden: 16, classifierHeads: 2, labels: labels))
    }

    static func tinyModel(seed: UInt64 = 7, std: Float = 0.5) -> FastBERTModel {
        FastBERTModel.random(config: tinyConfig(), seed: seed, std: std)
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "fastbert-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func randomSequences(count: Int, vocab: Int, lengths: ClosedRange<Int>, seed: UInt64) -> [[Int32]] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            let n = Int.random(in: lengths, using: &rng)
            return [101 % Int32(vocab)] + (0..<(n - 2)).map { _ in Int32.random(in: 1..<Int32(vocab), using: &rng) } + [102 % Int32(vocab)]
        }
    }

    /// The real default backbone laid out by scripts/fetch-model (override with FASTBERT_MODEL_DIR).
    static var miniLMDirectory: String {
        ProcessInfo.processInfo.environment["FASTBERT_MODEL_DIR"] ?? packageRoot + "/models/all-MiniLM-L6-v2"
    }

    /// Runs scripts/reference_forward.py (NumPy, float64) on the given ids.
    static func referenceForward(modelDirectory: String, sequences: [[Int32]]) throws -> SafeTensorsFile {
        let dir = temporaryDirectory()
        let idsPath = dir + "/ids.json", outPath = dir + "/reference.safetensors"
        try JSONEncoder().encode(sequences).write(to: URL(fileURLWithPath: idsPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", packageRoot + "/scripts/reference_forward.py", modelDirectory, idsPath, outPath]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "reference_forward.py exited with \(process.terminationStatus)", code: 1)
        }
        return try SafeTensorsFile(path: outPath)
    }

    static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}
