/// The passes that follow a matrix product, fused so each output element is read and written once.

/// y[r, c] = GELU(y[r, c] + bias[c]) for the columns `columns` of `rows` rows of width `stride`.
func biasGeluRows(
    _ y: UnsafeMutablePointer<Float>, rows: Int, stride: Int, columns: Range<Int>, bias: UnsafePointer<Float>
) {
    for r in 0..<rows {
        let row = y + r * stride
        var c = columns.lowerBound
        while c + 8 <= columns.upperBound {
            store8(gelu(load8(row + c) + load8(bias + c)), row + c)
            c += 8
        }
        while c < columns.upperBound {
            row[c] = gelu(row[c] + bias[c])
            c += 1
        }
    }
}

/// residual <- LayerNorm(residual + product + bias) over each of `rows` rows of width `cols`:
/// the post-LN sublayer ending (bias, residual add and LayerNorm in one pass over `product`).
/// Sums run in 8 lanes; the normalisation is `layerNormRows`'s (`normalizeRow`).
func biasResidualLayerNormRows(
    _ product: UnsafePointer<Float>, bias: UnsafePointer<Float>, residual: UnsafeMutablePointer<Float>,
    rows: Int, cols: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float
) {
    let vectorCols = cols - cols % 8
    for r in 0..<rows {
        let row = residual + r * cols, p = product + r * cols
        var sum8 = Float8()
        for c in stride(from: 0, to: vectorCols, by: 8) {
            let v = load8(row + c) + load8(p + c) + load8(bias + c)
            store8(v, row + c)
            sum8 += v
        }
        var sum = sum8.sum()
        for c in vectorCols..<cols {
            row[c] += p[c] + bias[c]
            sum += row[c]
        }
        normalizeRow(row, cols: cols, sum: sum, gamma: gamma, beta: beta, eps: eps)
    }
}
