import ArgumentParser
import FastBERT
import Foundation

/// Full-depth encoder throughput next to OpenBLAS sgemm on the same machine, in one process.
/// The two alternate in short slices so a change in machine load hits both alike.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure full-depth forward throughput (seq/s, GFLOP/s) against OpenBLAS sgemm GFLOP/s.")

    @OptionGroup(title: "Model (the backbone is enough)") var model: ModelOptions
    @OptionGroup var threads: ThreadsOptions
    @OptionGroup var batch: BatchOptions

    @Option(help: "Tokens per sequence.")
    var length: Int = 64

    @Option(help: "Seconds to run in all (half sgemm, half encoder, alternating).")
    var seconds: Double = 10

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    @Flag(help: "Serve timing requests read from stdin, one JSON object a line (see BenchRequests.swift; used by scripts/bench-compare).")
    var requests = false

    func run() throws {
        let loaded = try ModelDirectory.load(model.model)
        if requests { return try BenchRequestLoop(model: loaded, threads: threads.threads).run() }
        let threads = threads.threads, batchSize = batch.maxBatch
        let config = loaded.config
        guard length >= 2, length <= config.maxPositions else {
            throw ValidationError("--length must be in 2...\(config.maxPositions)")
        }
        let gemm = GemmWorkload(layerShapes: config, tokens: batchSize * length)
        let encoder = Encoder(model: loaded, threads: threads)
        var rng = SeededRandom(seed: 1)
        let sequences = (0..<batchSize).map { _ in
            [Int32(101)] + (0..<(length - 2)).map { _ in Int32.random(in: 1000..<Int32(config.vocabSize), using: &rng) } + [102]
        }
        let batch = PackedBatch(sequences)
        let output = Buffer()
        let flopsPerBatch = Double(batchSize) * Double(config.numLayers) * FlopCount.encoderLayer(config, length: length)

        encoder.withMatrixThreads { gemm.run() }
        try encoder.forward(batch, into: output)  // warm-up: buffers reach their steady size
        var gemmFlops = 0.0, gemmTime = 0.0, batches = 0, encoderTime = 0.0
        let slice = 0.5
        for _ in 0..<max(1, Int(seconds / (2 * slice))) {
            var start = Date()
            encoder.withMatrixThreads {
                repeat {
                    gemm.run()
                    gemmFlops += gemm.flops
                } while Date().timeIntervalSince(start) < slice
            }
            gemmTime += Date().timeIntervalSince(start)
            start = Date()
            repeat {
                try encoder.forward(batch, into: output)
                batches += 1
            } while Date().timeIntervalSince(start) < slice
            encoderTime += Date().timeIntervalSince(start)
        }
        let gemmRate = gemmFlops / gemmTime / 1e9
        let sequencesPerSecond = Double(batches * batchSize) / encoderTime
        let encoderRate = flopsPerBatch * Double(batches) / encoderTime / 1e9

        print("threads \(threads), batch \(batchSize) x length \(length), \(config.numLayers) layers, hidden \(config.hiddenSize)")
        print(String(format: "OpenBLAS sgemm (encoder shapes): %.1f GFLOP/s", gemmRate))
        print(String(format: "encoder full depth:              %.1f seq/s, %.1f GFLOP/s = %.2f x sgemm",
                     sequencesPerSecond, encoderRate, encoderRate / gemmRate))
        if let json {
            let result: [String: Any] = [
                "threads": threads, "batch_size": batchSize, "length": length, "sgemm_gflops": gemmRate,
                "encoder_sequences_per_second": sequencesPerSecond, "encoder_gflops": encoderRate,
                "ratio_to_sgemm": encoderRate / gemmRate,
            ]
            try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
                .write(to: URL(fileURLWithPath: json))
        }
    }
}

/// A fixed set of sgemm products, C = A * B^T, on constant data.
final class GemmWorkload {
    let shapes: [(m: Int, n: Int, k: Int)]
    let flops: Double
    private let a: [Float], b: [Float]
    private var c: [Float]

    init(shapes: [(Int, Int, Int)]) {
        self.shapes = shapes.map { (m: $0.0, n: $0.1, k: $0.2) }
        flops = shapes.reduce(0.0) { $0 + 2 * Double($1.0 * $1.1 * $1.2) }
        a = [Float](repeating: 0.5, count: shapes.map { $0.0 * $0.2 }.max() ?? 0)
        b = [Float](repeating: 0.25, count: shapes.map { $0.1 * $0.2 }.max() ?? 0)
        c = [Float](repeating: 0, count: shapes.map { $0.0 * $0.1 }.max() ?? 0)
    }

    /// sgemm on the encoder's own shapes: the four dense products of one layer on `tokens` rows.
    convenience init(layerShapes config: BertConfig, tokens: Int) {
        let h = config.hiddenSize, ff = config.intermediateSize
        self.init(shapes: [(tokens, 3 * h, h), (tokens, h, h), (tokens, ff, h), (tokens, h, ff)])
    }

    func run() {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    for s in shapes {
                        FastBERT.gemm(transB: true, m: s.m, n: s.n, k: s.k, a: a.baseAddress!, lda: s.k,
                                      b: b.baseAddress!, ldb: s.k, c: c.baseAddress!, ldc: s.n)
                    }
                }
            }
        }
    }
}
