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
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// y[rows, out] = x[rows, in] * W^T with W stored [out, in] (the Hugging Face layout), plus bias.
public func linear(
    _ x: UnsafePointer<Float>, rows: Int, weight: Tensor, bias: Tensor?,
    into y: UnsafeMutablePointer<Float>, inputStride: Int? = nil, outputStride: Int? = nil
) {
    let outFeatures = weight.shape[0], inFeatures = weight.shape[1]
    let ldx = inputStride ?? inFeatures, ldy = outputStride ?? outFeatures
    guard rows > 0 else { return }
    weight.data.withUnsafeBufferPointer { w in
        gemm(transB: true, m: rows, n: outFeatures, k: inFeatures,
             a: x, lda: ldx, b: w.baseAddress!, ldb: inFeatures, c: y, ldc: ldy)
    }
    if let bias { addRowVector(bias, to: y, rows: rows, cols: outFeatures, stride: ldy) }
}

/// Adds `vector` to each of `rows` rows of `matrix`.
public func addRowVector(_ vector: Tensor, to matrix: UnsafeMutablePointer<Float>, rows: Int, cols: Int, stride: Int) {
    vector.data.withUnsafeBufferPointer { v in
        for r in 0..<rows {
            let row = matrix + r * stride
            for c in 0..<cols { row[c] += v[c] }
        }
    }
}

/// Sets the number of threads OpenBLAS uses for matrix products.
public func setMatrixThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
public func matrixThreads() -> Int { Int(openblas_get_num_threads()) }

/// Sets OpenBLAS's thread count only when it differs (the call is global to the process).
func useMatrixThreads(_ n: Int) {
    if openblas_get_num_threads() != Int32(n) { openblas_set_num_threads(Int32(n)) }
}
