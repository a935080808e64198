import FastBERT
import Foundation

/// `fastbert bench --requests`: timed work on request, one JSON object per stdin line, one JSON
/// answer per stdout line, so a script (scripts/bench-compare) can alternate this engine with
/// another runtime in one process loop on the same token ids.
///   {"op": "encoder", "ids": [[101, ...], ...], "seconds": 0.5} -> {"runs": N, "seconds": T}
///   {"op": "sgemm", "tokens": N, "seconds": 0.5}                -> {"flops": F, "seconds": T}
///   {"op": "hidden", "ids": [[...]], "out": "FILE"}             -> {"floats": N}, FILE = raw float32 [tokens, H]
struct BenchRequestLoop {
    let encoder: Encoder
    let config: BertConfig
    private let output = Buffer()

    init(model: FastBERTModel, threads: Int) {
        encoder = Encoder(model: model, threads: threads)
        config = model.config
    }

    func run() throws {
        while let line = readLine(strippingNewline: true) {
            guard let request = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let op = request["op"] as? String
            else { throw CommandFailure("bench request is not a JSON object with \"op\": \(line.prefix(80))") }
            let seconds = request["seconds"] as? Double ?? 0.5
            let answer: [String: Any]
            switch op {
            case "encoder": answer = try timeEncoder(try batch(request), seconds: seconds)
            case "sgemm": answer = timeSgemm(tokens: request["tokens"] as? Int ?? 0, seconds: seconds)
            case "hidden": answer = try writeHidden(try batch(request), to: request["out"] as? String ?? "")
            default: throw CommandFailure("unknown bench request op '\(op)'")
            }
            // Unbuffered: the script waits for each answer.
            let data = try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }

    private func batch(_ request: [String: Any]) throws -> PackedBatch {
        guard let ids = request["ids"] as? [[Int]], !ids.isEmpty, ids.allSatisfy({ !$0.isEmpty }) else {
            throw CommandFailure("bench request needs \"ids\": a list of non-empty token-id lists")
        }
        return PackedBatch(ids.map { $0.map(Int32.init) })
    }

    /// Runs the batch at least once and until `seconds` have passed.
    private func timeEncoder(_ batch: PackedBatch, seconds: Double) throws -> [String: Any] {
        try encoder.forward(batch, into: output)  // buffers reach their steady size outside the timing
        var runs = 0
        let start = Date()
        repeat {
            try encoder.forward(batch, into: output)
            runs += 1
        } while Date().timeIntervalSince(start) < seconds
        return ["runs": runs, "seconds": Date().timeIntervalSince(start)]
    }

    /// The four dense products of one layer on `tokens` rows, with OpenBLAS on all threads.
    private func timeSgemm(tokens: Int, seconds: Double) -> [String: Any] {
        let gemm = GemmWorkload(layerShapes: config, tokens: max(1, tokens))
        var flops = 0.0
        let start = Date()
        encoder.withMatrixThreads {
            repeat {
                gemm.run()
                flops += gemm.flops
            } while Date().timeIntervalSince(start) < seconds
        }
        return ["flops": flops, "seconds": Date().timeIntervalSince(start)]
    }

    private func writeHidden(_ batch: PackedBatch, to path: String) throws -> [String: Any] {
        try encoder.forward(batch, into: output)
        let count = batch.tokenCount * config.hiddenSize
        try Data(bytes: output.pointer, count: count * MemoryLayout<Float>.size).write(to: URL(fileURLWithPath: path))
        return ["floats": count]
    }
}
