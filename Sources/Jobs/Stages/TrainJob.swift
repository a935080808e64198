import FastBERT

/// The whole `fastbert train` job: tokenize the labelled data with the bundle's tokenizer, run
/// stage 1, save to `outDirectory` (checkpoints in `outDirectory/checkpoint`).
public enum TrainJob {
    public static func run(
        bundle: ModelBundle, data: TextDataset, outDirectory: String, options: TrainingOptions, freezeBackbone: Bool,
        resume: Bool, modelId: String? = nil, tokenizerSource: String
    ) throws -> TrainingReport {
        guard let rawLabels = data.labels else { throw TrainingError.noLabels("training data") }
        guard data.count >= 2 else { throw TrainingError.tooFewExamples(data.count) }
        let model = FineTuning.prepare(bundle.model, labels: data.labelSet(), seed: options.seed)
        let labelIndex = Dictionary(uniqueKeysWithValues: model.config.fastbert.labels.enumerated().map { ($1, $0) })
        let sequences = data.texts.map(bundle.tokenIds)
        let targets = rawLabels.map { labelIndex[$0]! }
        printStatus("train: \(data.count) examples, labels \(model.config.fastbert.labels), "
            + "\(sequences.reduce(0) { $0 + $1.count }) tokens/epoch, "
            + (freezeBackbone ? "backbone frozen (teacher head only)" : "full fine-tuning"))
        var (trained, report) = try FineTuning.train(
            model, sequences: sequences, targets: targets, options: options, freezeBackbone: freezeBackbone,
            checkpointDirectory: outDirectory + "/checkpoint", tokenizerSource: tokenizerSource, resume: resume,
            progress: ProgressBar.sink(title: "train"))
        if let modelId { trained.config.fastbert.modelId = modelId }
        if report.completed { try ModelDirectory.save(trained, to: outDirectory, tokenizerSource: tokenizerSource) }
        return report
    }
}
