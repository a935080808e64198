/// One layer on a lone sequence with every product shared by `scratch.count` threads: the QKV
/// product and attention by heads, the other products by output columns, each thread on
/// single-threaded OpenBLAS packing only its slice of the weights. Sharding whole sequences
/// leaves a lone sequence to one shard (multi-threaded OpenBLAS on it measured 0.67-0.88x ONNX
/// Runtime at batch 1). The LayerNorm endings run on the calling thread between the joins.
func encoderLayerForwardSplit(
    _ layer: EncoderLayerRuntime, hidden: UnsafeMutablePointer<Float>, tokens: Int, config: BertConfig,
    scratch: [EncoderScratch]
) {
    let h = config.hiddenSize, ff = config.intermediateSize, d = config.headSize, parts = scratch.count
    let qkv = scratch[0].qkv.reserve(tokens * 3 * h)
    let context = scratch[0].context.reserve(tokens * h)
    let projected = scratch[0].projected.reserve(tokens * h)
    let intermediate = scratch[0].intermediate.reserve(tokens * ff)
    let shared = UncheckedSendable((hidden: hidden, qkv: qkv, context: context, projected: projected,
                                    intermediate: intermediate))

    parallelFor(parts, threads: parts) { k in
        let p = shared.value, heads = part(config.numHeads, k, of: parts)
        for block in 0..<3 {
            let columns = (block * h + heads.lowerBound * d)..<(block * h + heads.upperBound * d)
            linear(p.hidden, rows: tokens, weight: layer.qkv.weight, bias: layer.qkv.bias, columns: columns, into: p.qkv)
        }
        sequenceSelfAttention(qkv: p.qkv, start: 0, length: tokens, heads: config.numHeads, headRange: heads, headSize: d,
                              context: p.context, scores: scratch[k].scores.reserve(tokens * tokens))
    }
    /// projected <- input * weight^T (no bias: the sublayer ending adds it), by output columns.
    func project(_ input: UnsafeMutablePointer<Float>, _ weight: Tensor) {
        let input = UncheckedSendable(input)
        parallelFor(parts, threads: parts) { k in
            linear(input.value, rows: tokens, weight: weight, bias: nil, columns: part(h, k, of: parts, multiple: 8),
                   into: shared.value.projected)
        }
    }
    project(context, layer.attentionOutput.weight)
    sublayerEnding(projected, dense: layer.attentionOutput, norm: layer.attentionNorm, residual: hidden, rows: tokens,
                   eps: config.layerNormEps)
    parallelFor(parts, threads: parts) { k in
        let p = shared.value, columns = part(ff, k, of: parts, multiple: 8)
        linear(p.hidden, rows: tokens, weight: layer.intermediate.weight, bias: nil, columns: columns, into: p.intermediate)
        biasGelu(p.intermediate, rows: tokens, dense: layer.intermediate, columns: columns)
    }
    project(intermediate, layer.output.weight)
    sublayerEnding(projected, dense: layer.output, norm: layer.outputNorm, residual: hidden, rows: tokens,
                   eps: config.layerNormEps)
}

/// Part k of `parts` near-equal parts of 0..<count, boundaries on multiples of `multiple` where possible.
func part(_ count: Int, _ k: Int, of parts: Int, multiple: Int = 1) -> Range<Int> {
    let bound = { (i: Int) in min(count, (count * i / parts + multiple - 1) / multiple * multiple) }
    return bound(k)..<(k + 1 == parts ? count : bound(k + 1))
}
