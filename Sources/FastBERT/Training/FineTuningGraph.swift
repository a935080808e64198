/// Stage 1's forward and backward over one packed batch:
/// embeddings -> L encoder layers -> teacher classifier -> cross-entropy.
/// With a frozen backbone the encoder runs on the inference path and only the teacher is differentiated.
final class FineTuningGraph {
    let config: BertConfig
    let matrixThreads: MatrixThreads
    let embeddingCache = EmbeddingCache()
    let layerCaches: [EncoderLayerCache]
    let layerScratch = EncoderLayerScratch()
    let classifierCache = ClassifierCache()
    let hidden = Buffer(), hiddenGradient = Buffer(), logits = Buffer(), logitsGradient = Buffer()

    init(config: BertConfig, threads: Int) {
        self.config = config
        matrixThreads = MatrixThreads(threads)
        layerCaches = (0..<config.numLayers).map { _ in EncoderLayerCache() }
    }

    /// Adds this batch's gradients (of the mean loss) to `gradients` and returns the loss.
    /// `frozenBackbone`: an inference encoder for the same weights; then the backbone gets no gradient.
    func step(
        model: FastBERTModel, batch: PackedBatch, targets: [Int], dropout: Float, rng: inout SeededRandom,
        gradients: inout FastBERTModel, frozenBackbone: Encoder?
    ) throws -> Float {
        let h = config.hiddenSize, tokens = batch.tokenCount, n = config.fastbert.numLabels, b = batch.count
        let teacherIndex = config.numLayers - 1
        let shape = AttentionShape(starts: batch.starts, lengths: batch.lengths, heads: config.numHeads,
                                   headSize: config.headSize)
        if let frozenBackbone { try frozenBackbone.forward(batch, into: hidden) }
        matrixThreads.alone()
        let x = hidden.reserve(tokens * h)
        if frozenBackbone == nil {
            embeddingTrainingForward(batch, weights: model.backbone.embeddings, eps: config.layerNormEps, dropout: dropout,
                                     rng: &rng, cache: embeddingCache, hidden: x)
            for (layer, cache) in zip(model.backbone.layers, layerCaches) {
                encoderLayerTrainingForward(layer, hidden: x, shape: shape, config: config, dropout: dropout, rng: &rng,
                                            cache: cache, scratch: layerScratch)
            }
        }
        let heads = config.fastbert.classifierHeads
        let teacher = model.classifiers[teacherIndex]
        let z = logits.reserve(b * n), dz = logitsGradient.reserve(b * n)
        classifierTrainingForward(teacher, heads: heads, hidden: x, starts: batch.starts, lengths: batch.lengths,
                                  cache: classifierCache, logits: z)
        let loss = crossEntropyLoss(logits: z, targets: targets, classes: n, gradient: dz)

        let dx = frozenBackbone == nil ? hiddenGradient.reserve(tokens * h) : nil
        classifierTrainingBackward(teacher, heads: heads, hidden: x, starts: batch.starts, lengths: batch.lengths,
                                   cache: classifierCache, logitsGradient: dz,
                                   weightGradient: &gradients.classifiers[teacherIndex], inputGradient: dx)
        if let dx {
            for layer in (0..<config.numLayers).reversed() {
                encoderLayerTrainingBackward(model.backbone.layers[layer], gradient: dx, shape: shape, config: config,
                                             dropout: dropout, cache: layerCaches[layer], scratch: layerScratch,
                                             weightGradient: &gradients.backbone.layers[layer])
            }
            embeddingTrainingBackward(batch, weights: model.backbone.embeddings, dropout: dropout, cache: embeddingCache,
                                      gradient: dx, weightGradient: &gradients.backbone.embeddings)
        }
        return loss
    }
}
