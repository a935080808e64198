import Foundation

/// Exact (erf) GELU: x * 0.5 * (1 + erf(x / sqrt 2)), in 8 lanes and for one value.
@inline(__always) func gelu(_ v: Float8) -> Float8 { v * 0.5 * (1 + erf8(v * 0.70710678118654752)) }
@inline(__always) func gelu(_ v: Float) -> Float { v * 0.5 * (1 + erfScalar(v * 0.70710678118654752)) }

/// Exact (erf) GELU in place.
public func geluInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count {
        store8(gelu(load8(x + i)), x + i)
        i += 8
    }
    while i < count {
        x[i] = gelu(x[i])
        i += 1
    }
}

public func tanhInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count {
        store8(tanh8(load8(x + i)), x + i)
        i += 8
    }
    while i < count {
        x[i] = tanhScalar(x[i])
        i += 1
    }
}

/// Softmax over each of `rows` rows of length `cols` (row stride `stride`), in place.
public func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, stride: Int) {
    for r in 0..<rows { softmaxInPlace(x + r * stride, count: cols) }
}

public func softmaxInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    var max8 = Float8(repeating: -.infinity)
    while i + 8 <= count {
        let v = load8(x + i)
        max8 = max8.replacing(with: v, where: v .> max8)
        i += 8
    }
    var maxValue = max8.max()
    while i < count {
        maxValue = max(maxValue, x[i])
        i += 1
    }
    var sum8 = Float8()
    i = 0
    while i + 8 <= count {
        let e = exp8(load8(x + i) - maxValue)
        store8(e, x + i)
        sum8 += e
        i += 8
    }
    var sum = sum8.sum()
    while i < count {
        x[i] = expScalar(x[i] - maxValue)
        sum += x[i]
        i += 1
    }
    scaleInPlace(x, count: count, by: 1 / sum)
}

/// x *= factor elementwise.
public func scaleInPlace(_ x: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    var i = 0
    while i + 8 <= count {
        store8(load8(x + i) * factor, x + i)
        i += 8
    }
    while i < count {
        x[i] *= factor
        i += 1
    }
}

/// row <- (row - mean) / sqrt(var + eps) * gamma + beta, given the row's `sum`; squares summed in 8 lanes.
@inline(__always) func normalizeRow(
    _ row: UnsafeMutablePointer<Float>, cols: Int, sum: Float, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float
) {
    let vectorCols = cols - cols % 8
    let mean = sum / Float(cols)
    var squares8 = Float8()
    for c in stride(from: 0, to: vectorCols, by: 8) {
        let d = load8(row + c) - mean
        squares8 += d * d
    }
    var squares = squares8.sum()
    for c in vectorCols..<cols { squares += (row[c] - mean) * (row[c] - mean) }
    let inv = 1 / (squares / Float(cols) + eps).squareRoot()
    for c in stride(from: 0, to: vectorCols, by: 8) {
        store8((load8(row + c) - mean) * inv * load8(gamma + c) + load8(beta + c), row + c)
    }
    for c in vectorCols..<cols { row[c] = (row[c] - mean) * inv * gamma[c] + beta[c] }
}

/// LayerNorm over each row: (x - mean) / sqrt(var + eps) * gamma + beta, in place.
/// Sums run in 8 lanes (the compiler may not reorder float additions itself).
public func layerNormRows(
    _ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, gamma: Tensor, beta: Tensor, eps: Float
) {
    gamma.data.withUnsafeBufferPointer { g in
        beta.data.withUnsafeBufferPointer { b in
            let gammas = g.baseAddress!, betas = b.baseAddress!
            for r in 0..<rows {
                let row = x + r * cols, vectorCols = cols - cols % 8
                var sum8 = Float8()
                for c in stride(from: 0, to: vectorCols, by: 8) { sum8 += load8(row + c) }
                var sum = sum8.sum()
                for c in vectorCols..<cols { sum += row[c] }
                normalizeRow(row, cols: cols, sum: sum, gamma: gammas, beta: betas, eps: eps)
            }
        }
    }
}

/// x += y elementwise.
public func addInPlace(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count {
        store8(load8(x + i) + load8(y + i), x + i)
        i += 8
    }
    while i < count {
        x[i] += y[i]
        i += 1
    }
}
