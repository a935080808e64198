/// What the embedding backward needs: the LayerNorm's normalized rows and 1/std, the dropout mask.
final class EmbeddingCache {
    let normalized = Buffer(), inverseStd = Buffer(), dropout = Buffer(), sum = Buffer()
}

/// hidden[t] = dropout(LayerNorm(word[id] + position[p] + tokenType[0])).
func embeddingTrainingForward(
    _ batch: PackedBatch, weights: EmbeddingWeights, eps: Float, dropout: Float, rng: inout SeededRandom,
    cache: EmbeddingCache, hidden: UnsafeMutablePointer<Float>
) {
    let h = weights.word.shape[1], tokens = batch.tokenCount
    let sum = cache.sum.reserve(tokens * h)
    weights.word.withPointer { word in
        weights.position.withPointer { position in
            weights.tokenType.withPointer { tokenType in
                for s in 0..<batch.count {
                    for p in 0..<batch.lengths[s] {
                        let t = batch.starts[s] + p
                        let row = sum + t * h, w = word + Int(batch.tokenIds[t]) * h, pos = position + p * h
                        for c in 0..<h { row[c] = w[c] + pos[c] + tokenType[c] }
                    }
                }
            }
        }
    }
    layerNormForward(sum, rows: tokens, cols: h, weights: weights.norm, eps: eps,
                     normalized: cache.normalized.reserve(tokens * h), inverseStd: cache.inverseStd.reserve(tokens),
                     output: hidden)
    applyDropout(hidden, count: tokens * h, probability: dropout, mask: cache.dropout, rng: &rng)
}

/// Scatters dHidden into the word, position and token-type rows that were read. Clobbers `gradient`.
func embeddingTrainingBackward(
    _ batch: PackedBatch, weights: EmbeddingWeights, dropout: Float, cache: EmbeddingCache,
    gradient dHidden: UnsafeMutablePointer<Float>, weightGradient: inout EmbeddingWeights
) {
    let h = weights.word.shape[1], tokens = batch.tokenCount
    if dropout > 0 { multiplyInPlace(dHidden, by: cache.dropout.pointer, count: tokens * h) }
    layerNormBackward(outputGradient: dHidden, normalized: cache.normalized.pointer, inverseStd: cache.inverseStd.pointer,
                      rows: tokens, cols: h, weights: weights.norm, gradient: &weightGradient.norm, inputGradient: dHidden)
    weightGradient.word.withMutablePointer { word in
        weightGradient.position.withMutablePointer { position in
            weightGradient.tokenType.withMutablePointer { tokenType in
                for s in 0..<batch.count {
                    for p in 0..<batch.lengths[s] {
                        let t = batch.starts[s] + p
                        let row = dHidden + t * h, w = word + Int(batch.tokenIds[t]) * h, pos = position + p * h
                        for c in 0..<h {
                            w[c] += row[c]
                            pos[c] += row[c]
                            tokenType[c] += row[c]
                        }
                    }
                }
            }
        }
    }
}
