/// The BERT encoder over packed batches, with reusable scratch buffers.
/// With `threads` > 1 a layer runs as that many shards of whole sequences, each on its own
/// thread with single-threaded OpenBLAS, joined once per layer; a lone sequence shares every
/// product among the threads instead (`encoderLayerForwardSplit`). (Splitting a layer into more, smaller shards handed out
/// dynamically measured slower: 0.77-0.80x sgemm against 0.83-0.86x, and no better under load.)
/// Not thread-safe: one caller at a time.
public final class Encoder {
    public let config: BertConfig
    public let threads: Int
    let matrixThreads: MatrixThreads
    let embeddings: EmbeddingWeights
    let layers: [EncoderLayerRuntime]
    let scratch: [EncoderScratch]
    /// Each layer's shards of whole sequences, kept so that no layer allocates.
    private var shards: [Range<Int>] = []

    public init(model: FastBERTModel, threads: Int) {
        config = model.config
        matrixThreads = MatrixThreads(threads)
        self.threads = matrixThreads.count
        embeddings = model.backbone.embeddings
        layers = model.backbone.layers.map(EncoderLayerRuntime.init)
        scratch = (0..<self.threads).map { _ in EncoderScratch() }
    }

    public func validate(_ batch: PackedBatch) throws {
        for s in 0..<batch.count {
            if batch.lengths[s] > config.maxPositions {
                throw EngineError.sequenceTooLong(index: s, length: batch.lengths[s], max: config.maxPositions)
            }
            for t in batch.starts[s]..<(batch.starts[s] + batch.lengths[s]) {
                let id = batch.tokenIds[t]
                if id < 0 || Int(id) >= config.vocabSize {
                    throw EngineError.tokenOutOfRange(index: s, token: id, vocabSize: config.vocabSize)
                }
            }
        }
    }

    func embed(_ batch: PackedBatch, into hidden: UnsafeMutablePointer<Float>) {
        FastBERT.embed(batch, weights: embeddings, eps: config.layerNormEps, into: hidden)
    }

    func layer(_ index: Int, hidden: UnsafeMutablePointer<Float>, tokens: Int, starts: [Int], lengths: [Int]) {
        if lengths.count == 1, threads > 1 {
            matrixThreads.sharded(threads)
            return encoderLayerForwardSplit(layers[index], hidden: hidden, tokens: tokens, config: config, scratch: scratch)
        }
        shardSequences(lengths: lengths, tokens: tokens, shards: threads, into: &shards)
        matrixThreads.sharded(shards.count)
        let rows = UncheckedSendable(hidden)
        parallelFor(shards.count, threads: threads) { [shards] k in
            encoderLayerForward(layers[index], hidden: rows.value, starts: starts, lengths: lengths, sequences: shards[k],
                                config: config, scratch: scratch[k])
        }
    }

    /// Runs every layer; the last hidden state ([tokens, H]) is left in `output`.
    public func forward(_ batch: PackedBatch, into output: Buffer) throws {
        try validate(batch)
        let hidden = output.reserve(batch.tokenCount * config.hiddenSize)
        embed(batch, into: hidden)
        for i in 0..<layers.count {
            layer(i, hidden: hidden, tokens: batch.tokenCount, starts: batch.starts, lengths: batch.lengths)
        }
    }

    /// Runs `body` with OpenBLAS on all of this encoder's threads: for measurements beside the
    /// encoder, such as the sgemm reference of `fastbert bench`.
    public func withMatrixThreads<Result>(_ body: () throws -> Result) rethrows -> Result {
        matrixThreads.alone()
        return try body()
    }

    /// Hidden states after the embeddings (index 0) and after every layer (1...L), each [tokens, H].
    public func allHiddenStates(_ batch: PackedBatch) throws -> [Tensor] {
        try validate(batch)
        let h = config.hiddenSize, tokens = batch.tokenCount
        var hidden = [Float](repeating: 0, count: tokens * h)
        var states: [Tensor] = []
        hidden.withUnsafeMutableBufferPointer { embed(batch, into: $0.baseAddress!) }
        states.append(Tensor(shape: [tokens, h], data: hidden))
        for i in 0..<layers.count {
            hidden.withUnsafeMutableBufferPointer {
                layer(i, hidden: $0.baseAddress!, tokens: tokens, starts: batch.starts, lengths: batch.lengths)
            }
            states.append(Tensor(shape: [tokens, h], data: hidden))
        }
        return states
    }
}
