/// Stage 1: fine-tune the backbone and the teacher (the classifier after the last layer) with
/// cross-entropy on labelled text; with `freezeBackbone` only the teacher is trained.
public enum FineTuning {
    /// The model ready for `labels`: its classifiers when they already predict exactly these
    /// labels (their order is kept), else new random classifiers for `labels`.
    public static func prepare(_ model: FastBERTModel, labels: [String], seed: UInt64) -> FastBERTModel {
        if model.hasClassifiers, Set(model.config.fastbert.labels) == Set(labels) { return model }
        return model.withNewClassifiers(labels: labels, seed: seed)
    }

    /// Trains in memory on tokenized `sequences` with `targets` (indices into the model's labels),
    /// with `threads` for the matrix products, reporting to `progress`. Returns the model with
    /// `teacherTrained` set (and `studentsDistilled` cleared: students are stale).
    public static func train(
        _ model: FastBERTModel, sequences: [[Int32]], targets: [Int], options: TrainingOptions, freezeBackbone: Bool,
        threads: Int, checkpointDirectory: String? = nil, tokenizerSource: String? = nil, resume: Bool = false,
        progress: ProgressSink = .silent, afterEpoch: EpochHook? = nil
    ) throws -> (model: FastBERTModel, report: TrainingReport) {
        precondition(model.hasClassifiers && sequences.count == targets.count)
        let config = model.config
        let teacher = Parameters.classifier(config.numLayers - 1)
        let parameters = freezeBackbone ? teacher : Parameters.backbone(config) + teacher
        let loop = TrainingLoop(
            stage: freezeBackbone ? "train (teacher only)" : "train", model: model, parameters: parameters,
            tokenCounts: sequences.map(\.count), options: options, checkpointDirectory: checkpointDirectory,
            tokenizerSource: tokenizerSource, progress: progress)
        loop.afterEpoch = afterEpoch
        if resume { try loop.resume() }
        let graph = FineTuningGraph(config: config, threads: threads)
        let frozenEncoder = freezeBackbone ? Encoder(model: loop.model, threads: threads) : nil
        let dropout = freezeBackbone ? 0 : options.dropout
        let report = try loop.run { model, batch, rng, gradients in
            let packed = PackedBatch(batch.map { sequences[$0] })
            return try graph.step(model: model, batch: packed, targets: batch.map { targets[$0] }, dropout: dropout,
                                  rng: &rng, gradients: &gradients, frozenBackbone: frozenEncoder)
        }
        var trained = loop.model
        trained.config.fastbert.teacherTrained = true
        trained.config.fastbert.studentsDistilled = false
        return (trained, report)
    }
}
