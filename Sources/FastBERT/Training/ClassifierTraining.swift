/// What a classifier's backward needs from its forward (T = tokens, B = sequences, C = width):
/// r = tanh(X Win^T) [T,C], K, V [T,C], the [CLS] rows of r [B,C], q [B,C],
/// attention probabilities of [CLS] over its sequence (heads x n per sequence), context, o, z [B,C].
final class ClassifierCache {
    let reduced = Buffer(), key = Buffer(), value = Buffer(), cls = Buffer(), query = Buffer()
    let probabilities = Buffer(), context = Buffer(), pooled = Buffer(), hidden = Buffer()
    // Backward temporaries.
    let reducedGradient = Buffer(), keyGradient = Buffer(), valueGradient = Buffer(), clsGradient = Buffer()
    let queryGradient = Buffer(), contextGradient = Buffer(), pooledGradient = Buffer(), hiddenGradient = Buffer()
}

/// logits [B, N] from hidden states X [T, H]; same arithmetic as the inference `classifierForward`.
func classifierTrainingForward(
    _ w: ClassifierWeights, heads: Int, hidden x: UnsafePointer<Float>, starts: [Int], lengths: [Int],
    cache: ClassifierCache, logits: UnsafeMutablePointer<Float>
) {
    let c = w.width, b = starts.count, tokens = lengths.reduce(0, +), d = c / heads
    let scale = 1 / Float(d).squareRoot()
    let r = cache.reduced.reserve(tokens * c), k = cache.key.reserve(tokens * c), v = cache.value.reserve(tokens * c)
    let cls = cache.cls.reserve(b * c), q = cache.query.reserve(b * c)
    let probabilities = cache.probabilities.reserve(heads * tokens)
    let context = cache.context.reserve(b * c), pooled = cache.pooled.reserve(b * c), z = cache.hidden.reserve(b * c)

    linear(x, rows: tokens, weight: w.input.weight, bias: w.input.bias, into: r)
    tanhInPlace(r, count: tokens * c)
    linear(r, rows: tokens, weight: w.key.weight, bias: w.key.bias, into: k)
    linear(r, rows: tokens, weight: w.value.weight, bias: w.value.bias, into: v)
    for s in 0..<b { (cls + s * c).update(from: r + starts[s] * c, count: c) }
    linear(cls, rows: b, weight: w.query.weight, bias: w.query.bias, into: q)
    for s in 0..<b {
        let n = lengths[s]
        for head in 0..<heads {
            let p = probabilities + heads * starts[s] + head * n
            let column = starts[s] * c + head * d
            gemm(transB: true, m: 1, n: n, k: d, alpha: scale, a: q + s * c + head * d, lda: d, b: k + column, ldb: c,
                 c: p, ldc: n)
            softmaxInPlace(p, count: n)
            gemm(m: 1, n: d, k: n, a: p, lda: n, b: v + column, ldb: c, c: context + s * c + head * d, ldc: d)
        }
    }
    linear(context, rows: b, weight: w.attentionOutput.weight, bias: w.attentionOutput.bias, into: pooled)
    linear(pooled, rows: b, weight: w.hidden.weight, bias: w.hidden.bias, into: z)
    tanhInPlace(z, count: b * c)
    linear(z, rows: b, weight: w.logits.weight, bias: w.logits.bias, into: logits)
}

/// Accumulates the classifier's weight gradients from dLogits [B, N]; writes dX [T, H] when asked
/// (or adds to it when `accumulateInput`).
func classifierTrainingBackward(
    _ w: ClassifierWeights, heads: Int, hidden x: UnsafePointer<Float>, starts: [Int], lengths: [Int],
    cache: ClassifierCache, logitsGradient dLogits: UnsafePointer<Float>, weightGradient: inout ClassifierWeights,
    inputGradient dx: UnsafeMutablePointer<Float>?, accumulateInput: Bool = false
) {
    let c = w.width, b = starts.count, tokens = lengths.reduce(0, +), d = c / heads
    let scale = 1 / Float(d).squareRoot()
    let r = cache.reduced.pointer, k = cache.key.pointer, v = cache.value.pointer, q = cache.query.pointer
    let probabilities = cache.probabilities.pointer
    let dz = cache.hiddenGradient.reserve(b * c), dPooled = cache.pooledGradient.reserve(b * c)
    let dContext = cache.contextGradient.reserve(b * c), dq = cache.queryGradient.reserve(b * c)
    let dCls = cache.clsGradient.reserve(b * c)
    let dr = cache.reducedGradient.reserve(tokens * c), dk = cache.keyGradient.reserve(tokens * c)
    let dv = cache.valueGradient.reserve(tokens * c)

    linearBackward(outputGradient: dLogits, input: cache.hidden.pointer, rows: b, weight: w.logits.weight,
                   gradient: &weightGradient.logits, inputGradient: dz)
    tanhBackward(outputGradient: dz, output: cache.hidden.pointer, count: b * c, inputGradient: dz)
    linearBackward(outputGradient: dz, input: cache.pooled.pointer, rows: b, weight: w.hidden.weight,
                   gradient: &weightGradient.hidden, inputGradient: dPooled)
    linearBackward(outputGradient: dPooled, input: cache.context.pointer, rows: b, weight: w.attentionOutput.weight,
                   gradient: &weightGradient.attentionOutput, inputGradient: dContext)

    // [CLS] attention: ctx = a V, a = softmax(s), s = scale * q K^T.
    dk.update(repeating: 0, count: tokens * c)
    for s in 0..<b {
        let n = lengths[s]
        for head in 0..<heads {
            let a = probabilities + heads * starts[s] + head * n
            let column = starts[s] * c + head * d
            let dc = dContext + s * c + head * d
            // dV rows = a_j * dctx (outer product); dA_j = dctx . V_j.
            var weightedSum: Float = 0
            var da = [Float](repeating: 0, count: n)
            for j in 0..<n {
                let vRow = v + column + j * c, dvRow = dv + column + j * c
                var dot: Float = 0
                for i in 0..<d {
                    dvRow[i] = a[j] * dc[i]
                    dot += dc[i] * vRow[i]
                }
                da[j] = dot
                weightedSum += a[j] * dot
            }
            let qHead = q + s * c + head * d, dqHead = dq + s * c + head * d
            for i in 0..<d { dqHead[i] = 0 }
            for j in 0..<n {
                let ds = a[j] * (da[j] - weightedSum) * scale
                let kRow = k + column + j * c, dkRow = dk + column + j * c
                for i in 0..<d {
                    dqHead[i] += ds * kRow[i]
                    dkRow[i] += ds * qHead[i]
                }
            }
        }
    }
    linearBackward(outputGradient: dq, input: cache.cls.pointer, rows: b, weight: w.query.weight,
                   gradient: &weightGradient.query, inputGradient: dCls)
    linearBackward(outputGradient: dk, input: r, rows: tokens, weight: w.key.weight, gradient: &weightGradient.key,
                   inputGradient: dr)
    linearBackward(outputGradient: dv, input: r, rows: tokens, weight: w.value.weight, gradient: &weightGradient.value,
                   inputGradient: dr, accumulateInput: true)
    for s in 0..<b {
        let row = dr + starts[s] * c, from = dCls + s * c
        for i in 0..<c { row[i] += from[i] }
    }
    tanhBackward(outputGradient: dr, output: r, count: tokens * c, inputGradient: dr)
    linearBackward(outputGradient: dr, input: x, rows: tokens, weight: w.input.weight, gradient: &weightGradient.input,
                   inputGradient: dx, accumulateInput: accumulateInput)
}
