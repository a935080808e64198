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
/// The bias is written first and accumulated into (beta 1): one pass over y instead of
/// OpenBLAS zeroing it and a second pass adding the bias.
public func linear(
    _ x: UnsafePointer<Float>, rows: Int, weight: Tensor, bias: Tensor?, into y: UnsafeMutablePointer<Float>
) {
    let outFeatures = weight.shape[0], inFeatures = weight.shape[1]
    guard rows > 0 else { return }
    if let bias {
        bias.data.withUnsafeBufferPointer { v in
            for r in 0..<rows { (y + r * outFeatures).update(from: v.baseAddress!, count: outFeatures) }
        }
    }
    weight.data.withUnsafeBufferPointer { w in
        gemm(transB: true, m: rows, n: outFeatures, k: inFeatures,
             a: x, lda: inFeatures, b: w.baseAddress!, ldb: inFeatures, beta: bias == nil ? 0 : 1, c: y, ldc: outFeatures)
    }
}
