/// LayerNorm that keeps what its backward needs: the normalized rows x^ and 1/std per row.
/// y = x^ * gamma + beta, x^ = (x - mean) / sqrt(var + eps).
func layerNormForward(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, weights: LayerNormWeights, eps: Float,
    normalized: UnsafeMutablePointer<Float>, inverseStd: UnsafeMutablePointer<Float>, output y: UnsafeMutablePointer<Float>
) {
    weights.gamma.withPointer { g in
        weights.beta.withPointer { b in
            for r in 0..<rows {
                let row = x + r * cols, xhat = normalized + r * cols, out = y + r * cols
                var sum: Float = 0
                for c in 0..<cols { sum += row[c] }
                let mean = sum / Float(cols)
                var squares: Float = 0
                for c in 0..<cols {
                    let d = row[c] - mean
                    squares += d * d
                }
                let rstd = 1 / (squares / Float(cols) + eps).squareRoot()
                inverseStd[r] = rstd
                for c in 0..<cols {
                    xhat[c] = (row[c] - mean) * rstd
                    out[c] = xhat[c] * g[c] + b[c]
                }
            }
        }
    }
}

/// dx = rstd * (dx^ - mean(dx^) - x^ * mean(dx^ * x^)) with dx^ = dy * gamma;
/// dgamma += sum dy * x^, dbeta += sum dy. `dx` may alias `dy`.
func layerNormBackward(
    outputGradient dy: UnsafePointer<Float>, normalized: UnsafePointer<Float>, inverseStd: UnsafePointer<Float>,
    rows: Int, cols: Int, weights: LayerNormWeights, gradient: inout LayerNormWeights,
    inputGradient dx: UnsafeMutablePointer<Float>
) {
    weights.gamma.withPointer { g in
        gradient.gamma.withMutablePointer { dg in
            gradient.beta.withMutablePointer { db in
                for r in 0..<rows {
                    let dyRow = dy + r * cols, xhat = normalized + r * cols, dxRow = dx + r * cols
                    var meanGrad: Float = 0, meanGradDotX: Float = 0
                    for c in 0..<cols {
                        let dxhat = dyRow[c] * g[c]
                        meanGrad += dxhat
                        meanGradDotX += dxhat * xhat[c]
                        dg[c] += dyRow[c] * xhat[c]
                        db[c] += dyRow[c]
                    }
                    meanGrad /= Float(cols)
                    meanGradDotX /= Float(cols)
                    let rstd = inverseStd[r]
                    for c in 0..<cols {
                        dxRow[c] = rstd * (dyRow[c] * g[c] - meanGrad - xhat[c] * meanGradDotX)
                    }
                }
            }
        }
    }
}
