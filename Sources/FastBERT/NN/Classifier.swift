import Foundation

/// A FastBERT classifier prepared for inference: K and V fused into one [2C, C] product (the
/// separate K and V weights are not kept). Only the [CLS] row of the attention output is
/// pooled, so only [CLS] needs a query.
struct ClassifierRuntime: Sendable {
    let input: LinearWeights
    let keyValue: LinearWeights
    let query: LinearWeights
    let attentionOutput: LinearWeights
    let hidden: LinearWeights
    let logits: LinearWeights
    let heads: Int

    var width: Int { input.outFeatures }
    var numLabels: Int { logits.outFeatures }

    init(_ weights: ClassifierWeights, heads: Int) {
        input = weights.input
        query = weights.query
        attentionOutput = weights.attentionOutput
        hidden = weights.hidden
        logits = weights.logits
        self.heads = heads
        keyValue = LinearWeights(
            weight: Tensor(shape: [2 * weights.width, weights.width], data: weights.key.weight.data + weights.value.weight.data),
            bias: Tensor(shape: [2 * weights.width], data: weights.key.bias.data + weights.value.bias.data))
    }
}

final class ClassifierScratch {
    let reduced = Buffer(), keyValue = Buffer(), cls = Buffer(), query = Buffer(), context = Buffer()
    let pooled = Buffer(), hidden = Buffer(), scores = Buffer()
}

/// Writes logits [sequence, labels] for each sequence in `sequences` (a contiguous range of the
/// packed batch) into row `s` of `allLogits`.
func classifierForward(
    _ head: ClassifierRuntime, hidden allRows: UnsafePointer<Float>, hiddenSize: Int,
    starts: [Int], lengths: [Int], sequences: Range<Int>, scratch: ClassifierScratch,
    logits allLogits: UnsafeMutablePointer<Float>
) {
    guard !sequences.isEmpty else { return }
    let c = head.width, b = sequences.count
    let headSize = c / head.heads
    let base = starts[sequences.lowerBound]
    let tokens = starts[sequences.upperBound - 1] + lengths[sequences.upperBound - 1] - base
    let hidden = allRows + base * hiddenSize
    let logits = allLogits + sequences.lowerBound * head.numLabels
    var maxLength = 1
    for s in sequences { maxLength = max(maxLength, lengths[s]) }
    let reduced = scratch.reduced.reserve(tokens * c)
    let keyValue = scratch.keyValue.reserve(tokens * 2 * c)
    let cls = scratch.cls.reserve(b * c)
    let query = scratch.query.reserve(b * c)
    let context = scratch.context.reserve(b * c)
    let pooled = scratch.pooled.reserve(b * c)
    let hiddenOut = scratch.hidden.reserve(b * c)
    let scores = scratch.scores.reserve(maxLength)

    linear(hidden, rows: tokens, weight: head.input.weight, bias: head.input.bias, into: reduced)
    tanhInPlace(reduced, count: tokens * c)
    linear(reduced, rows: tokens, weight: head.keyValue.weight, bias: head.keyValue.bias, into: keyValue)
    for s in sequences { (cls + (s - sequences.lowerBound) * c).update(from: reduced + (starts[s] - base) * c, count: c) }
    linear(cls, rows: b, weight: head.query.weight, bias: head.query.bias, into: query)

    let scale = 1 / Float(headSize).squareRoot()
    for s in sequences {
        let row = s - sequences.lowerBound, n = lengths[s]
        for h in 0..<head.heads {
            let q = query + row * c + h * headSize
            let k = keyValue + (starts[s] - base) * 2 * c + h * headSize
            let v = k + c
            gemm(transB: true, m: 1, n: n, k: headSize, alpha: scale, a: q, lda: headSize, b: k, ldb: 2 * c,
                 c: scores, ldc: n)
            softmaxInPlace(scores, count: n)
            gemm(m: 1, n: headSize, k: n, a: scores, lda: n, b: v, ldb: 2 * c, c: context + row * c + h * headSize,
                 ldc: headSize)
        }
    }
    linear(context, rows: b, weight: head.attentionOutput.weight, bias: head.attentionOutput.bias, into: pooled)
    linear(pooled, rows: b, weight: head.hidden.weight, bias: head.hidden.bias, into: hiddenOut)
    tanhInPlace(hiddenOut, count: b * c)
    linear(hiddenOut, rows: b, weight: head.logits.weight, bias: head.logits.bias, into: logits)
}

/// Normalized entropy of a probability vector: -sum p log p / log N, in [0, 1].
public func normalizedEntropy(_ p: UnsafePointer<Float>, count: Int) -> Float {
    var entropy: Float = 0
    for i in 0..<count where p[i] > 0 { entropy -= p[i] * Foundation.log(p[i]) }
    return entropy / Foundation.log(Float(count))
}
