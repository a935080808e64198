/// Multi-head self-attention over packed sequences for training: Q, K, V are separate
/// [tokens, heads * headSize] matrices, and the softmax probabilities (before and after
/// dropout) are kept per sequence and head for the backward pass.
struct AttentionShape {
    let starts: [Int]
    let lengths: [Int]
    let heads: Int
    let headSize: Int

    var width: Int { heads * headSize }
    var scale: Float { 1 / Float(headSize).squareRoot() }

    /// Offset of each sequence's block of `heads` n x n probability matrices.
    var probabilityOffsets: [Int] {
        var offsets: [Int] = [], total = 0
        for n in lengths {
            offsets.append(total)
            total += heads * n * n
        }
        return offsets
    }

    var probabilityCount: Int { lengths.reduce(0) { $0 + heads * $1 * $1 } }
}

/// Holds probabilities P, dropped probabilities P*M and the dropout multipliers M.
final class AttentionCache {
    let probabilities = Buffer(), dropped = Buffer(), mask = Buffer()
}

func attentionForward(
    query q: UnsafePointer<Float>, key k: UnsafePointer<Float>, value v: UnsafePointer<Float>, shape: AttentionShape,
    dropout: Float, rng: inout SeededRandom, cache: AttentionCache, context: UnsafeMutablePointer<Float>
) {
    let width = shape.width, d = shape.headSize
    let total = shape.probabilityCount
    let probabilities = cache.probabilities.reserve(total)
    let dropped = dropout > 0 ? cache.dropped.reserve(total) : probabilities
    let mask = cache.mask.reserve(dropout > 0 ? total : 0)
    if dropout > 0 { fillDropoutMask(mask, count: total, probability: dropout, rng: &rng) }
    let offsets = shape.probabilityOffsets
    for s in 0..<shape.starts.count {
        let start = shape.starts[s], n = shape.lengths[s]
        for head in 0..<shape.heads {
            let block = offsets[s] + head * n * n
            let p = probabilities + block
            let column = start * width + head * d
            gemm(transB: true, m: n, n: n, k: d, alpha: shape.scale, a: q + column, lda: width, b: k + column, ldb: width,
                 c: p, ldc: n)
            softmaxRows(p, rows: n, cols: n, stride: n)
            if dropout > 0 {
                for i in 0..<(n * n) { dropped[block + i] = p[i] * mask[block + i] }
            }
            gemm(m: n, n: d, k: n, a: dropped + block, lda: n, b: v + column, ldb: width, c: context + column, ldc: width)
        }
    }
}

/// Given dContext, writes dQ, dK, dV (all [tokens, width]).
/// dV = Pd^T dC; dPd = dC V^T; dP = dPd * M; dS = P * (dP - rowsum(dP * P)); dQ = s dS K; dK = s dS^T Q.
func attentionBackward(
    contextGradient dc: UnsafePointer<Float>, query q: UnsafePointer<Float>, key k: UnsafePointer<Float>,
    value v: UnsafePointer<Float>, shape: AttentionShape, dropout: Float, cache: AttentionCache, scratch: Buffer,
    queryGradient dq: UnsafeMutablePointer<Float>, keyGradient dk: UnsafeMutablePointer<Float>,
    valueGradient dv: UnsafeMutablePointer<Float>
) {
    let width = shape.width, d = shape.headSize
    let probabilities = cache.probabilities.pointer
    let dropped = dropout > 0 ? cache.dropped.pointer : probabilities
    let mask = cache.mask.pointer
    let offsets = shape.probabilityOffsets
    let maxLength = shape.lengths.max() ?? 0
    let dp = scratch.reserve(maxLength * maxLength)
    for s in 0..<shape.starts.count {
        let start = shape.starts[s], n = shape.lengths[s]
        for head in 0..<shape.heads {
            let block = offsets[s] + head * n * n
            let p = probabilities + block
            let column = start * width + head * d
            gemm(transA: true, m: n, n: d, k: n, a: dropped + block, lda: n, b: dc + column, ldb: width,
                 c: dv + column, ldc: width)
            gemm(transB: true, m: n, n: n, k: d, a: dc + column, lda: width, b: v + column, ldb: width, c: dp, ldc: n)
            if dropout > 0 {
                for i in 0..<(n * n) { dp[i] *= mask[block + i] }
            }
            for row in 0..<n {
                let pRow = p + row * n, dRow = dp + row * n
                var dot: Float = 0
                for j in 0..<n { dot += pRow[j] * dRow[j] }
                for j in 0..<n { dRow[j] = pRow[j] * (dRow[j] - dot) }
            }
            gemm(m: n, n: d, k: n, alpha: shape.scale, a: dp, lda: n, b: k + column, ldb: width, c: dq + column, ldc: width)
            gemm(transA: true, m: n, n: d, k: n, alpha: shape.scale, a: dp, lda: n, b: q + column, ldb: width,
                 c: dk + column, ldc: width)
        }
    }
}
