import CBLAS

/// C[m,n] = alpha * op(A) * op(B) + beta * C, row-major, through OpenBLAS.
/// `lda`/`ldb`/`ldc` are row strides, so sub-blocks of wider matrices (one attention head) work.
@inline(__always)
public func gemm(
    transA: Bool = false, transB: Bool = false,
    m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    MatrixProductLog.product()
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// y[rows, out] = x[rows, in] * W^T with W stored [out, in] (the Hugging Face layout), plus bias.
/// With `columns`, only those output columns (rows of W) are computed, in place in the full-width y,
/// so threads can share one product by columns. The bias is written first and accumulated into
/// (beta 1): one pass over y instead of OpenBLAS zeroing it and a second pass adding the bias.
public func linear(
    _ x: UnsafePointer<Float>, rows: Int, weight: Tensor, bias: Tensor?, columns: Range<Int>? = nil,
    into y: UnsafeMutablePointer<Float>
) {
    let outFeatures = weight.shape[0], inFeatures = weight.shape[1]
    let columns = columns ?? 0..<outFeatures
    guard rows > 0, !columns.isEmpty else { return }
    let first = columns.lowerBound
    if let bias {
        bias.data.withUnsafeBufferPointer { v in
            for r in 0..<rows { (y + r * outFeatures + first).update(from: v.baseAddress! + first, count: columns.count) }
        }
    }
    weight.data.withUnsafeBufferPointer { w in
        gemm(transB: true, m: rows, n: columns.count, k: inFeatures, a: x, lda: inFeatures,
             b: w.baseAddress! + first * inFeatures, ldb: inFeatures, beta: bias == nil ? 0 : 1, c: y + first,
             ldc: outFeatures)
    }
}
