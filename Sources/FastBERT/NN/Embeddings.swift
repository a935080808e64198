/// hidden[t] = LayerNorm(word[id] + position[pos] + tokenType[0]) for every packed token.
func embed(
    _ batch: PackedBatch, weights: EmbeddingWeights, eps: Float, into hidden: UnsafeMutablePointer<Float>
) {
    let h = weights.word.shape[1]
    weights.word.data.withUnsafeBufferPointer { word in
        weights.position.data.withUnsafeBufferPointer { position in
            weights.tokenType.data.withUnsafeBufferPointer { tokenType in
                for s in 0..<batch.count {
                    for p in 0..<batch.lengths[s] {
                        let t = batch.starts[s] + p
                        let row = hidden + t * h
                        let w = word.baseAddress! + Int(batch.tokenIds[t]) * h
                        let pos = position.baseAddress! + p * h
                        for c in 0..<h { row[c] = w[c] + pos[c] + tokenType[c] }
                    }
                }
            }
        }
    }
    layerNormRows(hidden, rows: batch.tokenCount, cols: h, gamma: weights.norm.gamma, beta: weights.norm.beta, eps: eps)
}
