/// Multi-head self-attention over packed sequences, one sequence at a time.
/// `qkv` rows hold [Q | K | V] (width 3 * heads * headSize); `context` rows receive the
/// concatenated heads (width heads * headSize). Sequence s starts at row `starts[s] - base`.
/// `scores` needs maxLength^2 floats.
func packedSelfAttention(
    qkv: UnsafePointer<Float>, starts: [Int], lengths: [Int], sequences: Range<Int>, base: Int,
    heads: Int, headSize: Int, context: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>
) {
    for s in sequences {
        sequenceSelfAttention(qkv: qkv, start: starts[s] - base, length: lengths[s], heads: heads, headSize: headSize,
                              context: context, scores: scores)
    }
}

/// The same for one sequence of `length` rows starting at row `start`, for the heads `headRange`
/// of `heads` (all of them unless threads share the sequence by heads).
func sequenceSelfAttention(
    qkv: UnsafePointer<Float>, start: Int, length n: Int, heads: Int, headRange: Range<Int>? = nil, headSize: Int,
    context: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>
) {
    let width = heads * headSize
    let qkvStride = 3 * width
    let scale = 1 / Float(headSize).squareRoot()
    for head in headRange ?? 0..<heads {
        let q = qkv + start * qkvStride + head * headSize
        let k = q + width
        let v = q + 2 * width
        gemm(transB: true, m: n, n: n, k: headSize, alpha: scale, a: q, lda: qkvStride, b: k, ldb: qkvStride,
             c: scores, ldc: n)
        softmaxRows(scores, rows: n, cols: n, stride: n)
        gemm(m: n, n: headSize, k: n, a: scores, lda: n, b: v, ldb: qkvStride,
             c: context + start * width + head * headSize, ldc: width)
    }
}
