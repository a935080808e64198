/// What one encoder layer's backward pass needs from its forward pass, [tokens, ...] each.
final class EncoderLayerCache {
    let input = Buffer()  // x
    let query = Buffer(), key = Buffer(), value = Buffer(), context = Buffer()
    let attention = AttentionCache()
    let attentionDropout = Buffer()  // multipliers on the attention output projection
    let attentionNormalized = Buffer(), attentionInverseStd = Buffer()
    let attentionNormOutput = Buffer()  // h1, the FFN input
    let intermediate = Buffer()  // u, before GELU
    let activated = Buffer()  // gelu(u)
    let outputDropout = Buffer()
    let outputNormalized = Buffer(), outputInverseStd = Buffer()
}

/// Temporaries shared by all layers (forward and backward run one layer at a time).
final class EncoderLayerScratch {
    let projected = Buffer(), residual = Buffer()
    let contextGradient = Buffer(), queryGradient = Buffer(), keyGradient = Buffer(), valueGradient = Buffer()
    let intermediateGradient = Buffer(), hiddenGradient = Buffer(), scores = Buffer()
}

/// hidden <- LN2(h1 + drop(FFN(h1))), h1 = LN1(x + drop(Attention(x))), keeping activations in `cache`.
func encoderLayerTrainingForward(
    _ w: EncoderLayerWeights, hidden: UnsafeMutablePointer<Float>, shape: AttentionShape, config: BertConfig,
    dropout: Float, rng: inout SeededRandom, cache: EncoderLayerCache, scratch: EncoderLayerScratch
) {
    let tokens = shape.lengths.reduce(0, +), h = config.hiddenSize, ff = config.intermediateSize
    let x = cache.input.reserve(tokens * h)
    x.update(from: hidden, count: tokens * h)
    let q = cache.query.reserve(tokens * h), k = cache.key.reserve(tokens * h), v = cache.value.reserve(tokens * h)
    let context = cache.context.reserve(tokens * h)
    linear(x, rows: tokens, weight: w.query.weight, bias: w.query.bias, into: q)
    linear(x, rows: tokens, weight: w.key.weight, bias: w.key.bias, into: k)
    linear(x, rows: tokens, weight: w.value.weight, bias: w.value.bias, into: v)
    attentionForward(query: q, key: k, value: v, shape: shape, dropout: dropout, rng: &rng, cache: cache.attention,
                     context: context)

    let residual = scratch.residual.reserve(tokens * h)
    linear(context, rows: tokens, weight: w.attentionOutput.weight, bias: w.attentionOutput.bias, into: residual)
    applyDropout(residual, count: tokens * h, probability: dropout, mask: cache.attentionDropout, rng: &rng)
    addInPlace(residual, x, count: tokens * h)
    let h1 = cache.attentionNormOutput.reserve(tokens * h)
    layerNormForward(residual, rows: tokens, cols: h, weights: w.attentionNorm, eps: config.layerNormEps,
                     normalized: cache.attentionNormalized.reserve(tokens * h),
                     inverseStd: cache.attentionInverseStd.reserve(tokens), output: h1)

    let u = cache.intermediate.reserve(tokens * ff), g = cache.activated.reserve(tokens * ff)
    linear(h1, rows: tokens, weight: w.intermediate.weight, bias: w.intermediate.bias, into: u)
    g.update(from: u, count: tokens * ff)
    geluInPlace(g, count: tokens * ff)
    linear(g, rows: tokens, weight: w.output.weight, bias: w.output.bias, into: residual)
    applyDropout(residual, count: tokens * h, probability: dropout, mask: cache.outputDropout, rng: &rng)
    addInPlace(residual, h1, count: tokens * h)
    layerNormForward(residual, rows: tokens, cols: h, weights: w.outputNorm, eps: config.layerNormEps,
                     normalized: cache.outputNormalized.reserve(tokens * h),
                     inverseStd: cache.outputInverseStd.reserve(tokens), output: hidden)
}

/// Turns dOutput (in `gradient`, [tokens, H]) into dInput in place and accumulates weight gradients.
func encoderLayerTrainingBackward(
    _ w: EncoderLayerWeights, gradient dHidden: UnsafeMutablePointer<Float>, shape: AttentionShape, config: BertConfig,
    dropout: Float, cache: EncoderLayerCache, scratch: EncoderLayerScratch, weightGradient: inout EncoderLayerWeights
) {
    let tokens = shape.lengths.reduce(0, +), h = config.hiddenSize, ff = config.intermediateSize
    // Output LayerNorm: dHidden becomes d(residual2) = d(h1) via the skip = d(ffn output after dropout).
    layerNormBackward(outputGradient: dHidden, normalized: cache.outputNormalized.pointer,
                      inverseStd: cache.outputInverseStd.pointer, rows: tokens, cols: h, weights: w.outputNorm,
                      gradient: &weightGradient.outputNorm, inputGradient: dHidden)
    let dFFN = scratch.projected.reserve(tokens * h)
    dFFN.update(from: dHidden, count: tokens * h)
    if dropout > 0 { multiplyInPlace(dFFN, by: cache.outputDropout.pointer, count: tokens * h) }
    let dActivated = scratch.intermediateGradient.reserve(tokens * ff)
    linearBackward(outputGradient: dFFN, input: cache.activated.pointer, rows: tokens, weight: w.output.weight,
                   gradient: &weightGradient.output, inputGradient: dActivated)
    geluBackward(outputGradient: dActivated, input: cache.intermediate.pointer, count: tokens * ff,
                 inputGradient: dActivated)
    linearBackward(outputGradient: dActivated, input: cache.attentionNormOutput.pointer, rows: tokens,
                   weight: w.intermediate.weight, gradient: &weightGradient.intermediate, inputGradient: dHidden,
                   accumulateInput: true)

    // Attention LayerNorm: dHidden becomes d(residual1) = d(x) via the skip = d(attention output after dropout).
    layerNormBackward(outputGradient: dHidden, normalized: cache.attentionNormalized.pointer,
                      inverseStd: cache.attentionInverseStd.pointer, rows: tokens, cols: h, weights: w.attentionNorm,
                      gradient: &weightGradient.attentionNorm, inputGradient: dHidden)
    let dProjected = scratch.projected.reserve(tokens * h)
    dProjected.update(from: dHidden, count: tokens * h)
    if dropout > 0 { multiplyInPlace(dProjected, by: cache.attentionDropout.pointer, count: tokens * h) }
    let dContext = scratch.contextGradient.reserve(tokens * h)
    linearBackward(outputGradient: dProjected, input: cache.context.pointer, rows: tokens,
                   weight: w.attentionOutput.weight, gradient: &weightGradient.attentionOutput, inputGradient: dContext)
    let dq = scratch.queryGradient.reserve(tokens * h), dk = scratch.keyGradient.reserve(tokens * h)
    let dv = scratch.valueGradient.reserve(tokens * h)
    attentionBackward(contextGradient: dContext, query: cache.query.pointer, key: cache.key.pointer,
                      value: cache.value.pointer, shape: shape, dropout: dropout, cache: cache.attention,
                      scratch: scratch.scores, queryGradient: dq, keyGradient: dk, valueGradient: dv)
    let x = cache.input.pointer
    linearBackward(outputGradient: dq, input: x, rows: tokens, weight: w.query.weight, gradient: &weightGradient.query,
                   inputGradient: dHidden, accumulateInput: true)
    linearBackward(outputGradient: dk, input: x, rows: tokens, weight: w.key.weight, gradient: &weightGradient.key,
                   inputGradient: dHidden, accumulateInput: true)
    linearBackward(outputGradient: dv, input: x, rows: tokens, weight: w.value.weight, gradient: &weightGradient.value,
                   inputGradient: dHidden, accumulateInput: true)
}

/// Multiplies by a fresh dropout mask (kept in `mask` for backward); nothing when p = 0.
func applyDropout(_ x: UnsafeMutablePointer<Float>, count: Int, probability p: Float, mask: Buffer, rng: inout SeededRandom) {
    guard p > 0 else { return }
    let m = mask.reserve(count)
    fillDropoutMask(m, count: count, probability: p, rng: &rng)
    multiplyInPlace(x, by: m, count: count)
}
