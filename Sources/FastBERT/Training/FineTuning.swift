import Foundation
import Tokenizers

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
        progress: ProgressSink = .silent
    ) throws -> (model: FastBERTModel, report: TrainingReport) {
        precondition(model.hasClassifiers && sequences.count == targets.count)
        let config = model.config
        let teacher = Parameters.classifier(config.numLayers - 1)
        let parameters = freezeBackbone ? teacher : Parameters.backbone(config) + teacher
        let loop = TrainingLoop(
            stage: freezeBackbone ? "train (teacher only)" : "train", model: model, parameters: parameters,
            tokenCounts: sequences.map(\.count), options: options, checkpointDirectory: checkpointDirectory,
            tokenizerSource: tokenizerSource, progress: progress)
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

    /// The whole `fastbert train` job: read, tokenize, train, save to `outDirectory`.
    /// Checkpoints go to `outDirectory/checkpoint`.
    public static func run(
        modelDirectory: String, data: TextDataset, outDirectory: String, options: TrainingOptions,
        freezeBackbone: Bool, resume: Bool, threads: Int, modelId: String? = nil
    ) throws -> TrainingReport {
        guard let rawLabels = data.labels else { throw TrainingError.noLabels("training data") }
        guard data.count >= 2 else { throw TrainingError.tooFewExamples(data.count) }
        let base = try ModelDirectory.load(modelDirectory)
        let tokenizer = try WordPieceTokenizer.load(modelDirectory: URL(fileURLWithPath: modelDirectory))
        let model = prepare(base, labels: data.labelSet(), seed: options.seed)
        let labelIndex = Dictionary(uniqueKeysWithValues: model.config.fastbert.labels.enumerated().map { ($1, $0) })
        let maxLength = min(options.maxLength, model.config.maxPositions)
        let sequences = data.texts.map { tokenizer.encodeIDs($0, maxLength: maxLength) }
        let targets = rawLabels.map { labelIndex[$0]! }
        printStatus("train: \(data.count) examples, labels \(model.config.fastbert.labels), "
            + "\(sequences.reduce(0) { $0 + $1.count }) tokens/epoch, "
            + (freezeBackbone ? "backbone frozen (teacher head only)" : "full fine-tuning"))
        var (trained, report) = try train(
            model, sequences: sequences, targets: targets, options: options, freezeBackbone: freezeBackbone,
            threads: threads, checkpointDirectory: outDirectory + "/checkpoint", tokenizerSource: modelDirectory,
            resume: resume, progress: .progressBar(title: "train"))
        if let modelId { trained.config.fastbert.modelId = modelId }
        if report.completed { try ModelDirectory.save(trained, to: outDirectory, tokenizerSource: modelDirectory) }
        return report
    }
}
