/// Backward of y[rows, out] = x[rows, in] * W^T + b (W stored [out, in]).
/// Accumulates dW += dY^T X and db += column sums of dY. When `inputGradient` is given,
/// writes dX = dY W into it (or adds to it when `accumulateInput`).
func linearBackward(
    outputGradient dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, rows: Int,
    weight: Tensor, gradient: inout LinearWeights,
    inputGradient dx: UnsafeMutablePointer<Float>?, accumulateInput: Bool = false
) {
    let outFeatures = weight.shape[0], inFeatures = weight.shape[1]
    guard rows > 0 else { return }
    gradient.weight.withMutablePointer { dw in
        gemm(transA: true, m: outFeatures, n: inFeatures, k: rows, a: dy, lda: outFeatures, b: x, ldb: inFeatures,
             beta: 1, c: dw, ldc: inFeatures)
    }
    gradient.bias.withMutablePointer { db in
        for r in 0..<rows {
            let row = dy + r * outFeatures
            for c in 0..<outFeatures { db[c] += row[c] }
        }
    }
    if let dx {
        weight.withPointer { w in
            gemm(m: rows, n: inFeatures, k: outFeatures, a: dy, lda: outFeatures, b: w, ldb: inFeatures,
                 beta: accumulateInput ? 1 : 0, c: dx, ldc: inFeatures)
        }
    }
}
