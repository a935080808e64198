/// One post-LN BERT layer prepared for inference: Q, K and V fused into one [3H, H] product
/// (the separate Q, K, V weights are not kept).
struct EncoderLayerRuntime: Sendable {
    let qkv: LinearWeights
    let attentionOutput: LinearWeights
    let attentionNorm: LayerNormWeights
    let intermediate: LinearWeights
    let output: LinearWeights
    let outputNorm: LayerNormWeights

    init(_ weights: EncoderLayerWeights) {
        attentionOutput = weights.attentionOutput
        attentionNorm = weights.attentionNorm
        intermediate = weights.intermediate
        output = weights.output
        outputNorm = weights.outputNorm
        qkv = LinearWeights(
            weight: Tensor(shape: [3 * weights.query.outFeatures, weights.query.inFeatures],
                           data: weights.query.weight.data + weights.key.weight.data + weights.value.weight.data),
            bias: Tensor(shape: [3 * weights.query.outFeatures],
                         data: weights.query.bias.data + weights.key.bias.data + weights.value.bias.data))
    }
}

/// Scratch space for the encoder, grown to the largest batch seen and then reused.
final class EncoderScratch {
    let qkv = Buffer(), context = Buffer(), projected = Buffer(), intermediate = Buffer(), scores = Buffer()
}

/// hidden <- LayerNorm(h + FFN(h)) with h = LayerNorm(hidden + Attention(hidden)), for the packed
/// rows of `sequences` (a contiguous range of the batch's sequences).
func encoderLayerForward(
    _ layer: EncoderLayerRuntime, hidden allRows: UnsafeMutablePointer<Float>,
    starts: [Int], lengths: [Int], sequences: Range<Int>, config: BertConfig, scratch: EncoderScratch
) {
    guard !sequences.isEmpty else { return }
    let h = config.hiddenSize, ff = config.intermediateSize
    let base = starts[sequences.lowerBound]
    let tokens = starts[sequences.upperBound - 1] + lengths[sequences.upperBound - 1] - base
    let hidden = allRows + base * h
    var maxLength = 0
    for s in sequences { maxLength = max(maxLength, lengths[s]) }
    let qkv = scratch.qkv.reserve(tokens * 3 * h)
    let context = scratch.context.reserve(tokens * h)
    let projected = scratch.projected.reserve(tokens * h)
    let intermediate = scratch.intermediate.reserve(tokens * ff)
    let scores = scratch.scores.reserve(maxLength * maxLength)

    linear(hidden, rows: tokens, weight: layer.qkv.weight, bias: layer.qkv.bias, into: qkv)
    packedSelfAttention(qkv: qkv, starts: starts, lengths: lengths, sequences: sequences, base: base,
                        heads: config.numHeads, headSize: config.headSize, context: context, scores: scores)
    linear(context, rows: tokens, weight: layer.attentionOutput.weight, bias: nil, into: projected)
    sublayerEnding(projected, dense: layer.attentionOutput, norm: layer.attentionNorm, residual: hidden, rows: tokens,
                   eps: config.layerNormEps)

    linear(hidden, rows: tokens, weight: layer.intermediate.weight, bias: nil, into: intermediate)
    biasGelu(intermediate, rows: tokens, dense: layer.intermediate, columns: 0..<ff)
    linear(intermediate, rows: tokens, weight: layer.output.weight, bias: nil, into: projected)
    sublayerEnding(projected, dense: layer.output, norm: layer.outputNorm, residual: hidden, rows: tokens,
                   eps: config.layerNormEps)
}

/// residual <- LayerNorm(residual + product + dense.bias): a post-LN sublayer's ending, one pass.
func sublayerEnding(
    _ product: UnsafePointer<Float>, dense: LinearWeights, norm: LayerNormWeights, residual: UnsafeMutablePointer<Float>,
    rows: Int, eps: Float
) {
    dense.bias.data.withUnsafeBufferPointer { bias in
        norm.gamma.data.withUnsafeBufferPointer { gamma in
            norm.beta.data.withUnsafeBufferPointer { beta in
                biasResidualLayerNormRows(product, bias: bias.baseAddress!, residual: residual, rows: rows,
                                          cols: dense.outFeatures, gamma: gamma.baseAddress!, beta: beta.baseAddress!, eps: eps)
            }
        }
    }
}

/// y[:, columns] <- GELU(y[:, columns] + dense.bias[columns]) for y of width dense.outFeatures.
func biasGelu(_ y: UnsafeMutablePointer<Float>, rows: Int, dense: LinearWeights, columns: Range<Int>) {
    dense.bias.data.withUnsafeBufferPointer { bias in
        biasGeluRows(y, rows: rows, stride: dense.outFeatures, columns: columns, bias: bias.baseAddress!)
    }
}
