import FastBERT
import Foundation
import XCTest

/// The built `fastbert inspect` on hostile model folders: a non-zero exit with the error naming
/// file and field, never a signal (a shape of [2^32, 2^32] used to die with SIGILL).
final class HostileModelFileTests: XCTestCase {
    private func modelFolder() throws -> String {
        let dir = NSTemporaryDirectory() + "fastbert-hostile-\(UUID().uuidString)"
        let config = BertConfig(vocabSize: 50, hiddenSize: 16, numLayers: 2, numHeads: 2, intermediateSize: 32, maxPositions: 16)
        try ModelDirectory.save(FastBERTModel.random(config: config, seed: 1, withClassifiers: false), to: dir)
        return dir
    }

    private func inspect(_ dir: String) async throws -> (status: Int32?, reason: Process.TerminationReason, stderr: String) {
        let child = try ChildProcess(["inspect", dir])
        let status = await child.wait(timeout: .seconds(30))
        return (status, child.process.terminationReason, child.stderr)
    }

    func testInspectRefusesHostileFilesWithoutASignal() async throws {
        let overflow = try modelFolder()
        let header = #"{"embeddings.word_embeddings.weight":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#
        var file = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: Array(header.utf8) + [UInt8](repeating: 0, count: 16))
        try file.write(to: URL(fileURLWithPath: overflow + "/model.safetensors"))

        let typeVocab = try modelFolder()
        let configPath = typeVocab + "/config.json"
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        try config.replacingOccurrences(of: #""type_vocab_size" : 2"#, with: #""type_vocab_size" : 0"#)
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try String(contentsOfFile: configPath, encoding: .utf8), config, "config rewritten")

        let cases = [
            (overflow, [overflow + "/model.safetensors", "tensor 'embeddings.word_embeddings.weight' shape", "overflows"]),
            (typeVocab, [configPath, "'type_vocab_size' is 0"]),
        ]
        for (dir, expected) in cases {
            let (status, reason, stderr) = try await inspect(dir)
            XCTAssertEqual(reason, .exit, "ended by a signal: \(stderr)")
            XCTAssertNotNil(status, "inspect did not exit")
            XCTAssertNotEqual(status, 0, stderr)
            for text in expected { XCTAssertTrue(stderr.contains(text), "'\(text)' not in stderr: \(stderr)") }
        }
    }
}
