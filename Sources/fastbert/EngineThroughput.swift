import FastBERT
import Foundation
import Jobs

/// Engine-alone messages/s on `texts` (tokenize + classify in batches of `batch` at `speed`, one
/// thread of control), after one warm-up batch: the reference the Kafka benchmarks compare with.
func engineThroughput(_ classifier: TextClassifier, texts: [String], batch: Int, speed: Float) throws -> Double {
    _ = try classifier.classify(Array(texts.prefix(batch)), speed: speed)
    let start = Date()
    for offset in stride(from: 0, to: texts.count, by: batch) {
        _ = try classifier.classify(Array(texts[offset..<min(offset + batch, texts.count)]), speed: speed)
    }
    return Double(texts.count) / Date().timeIntervalSince(start)
}
