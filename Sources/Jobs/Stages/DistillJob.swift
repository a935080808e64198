import FastBERT

/// The whole `fastbert distill` job: tokenize the texts with the bundle's tokenizer, run stage 2
/// (no labels needed), save to `outDirectory` (checkpoints in `outDirectory/checkpoint`).
public enum DistillJob {
    public static func run(
        bundle: ModelBundle, data: TextDataset, outDirectory: String, options: TrainingOptions, resume: Bool,
        tokenizerSource: String
    ) throws -> (report: TrainingReport, studentLosses: [Float]) {
        let model = bundle.model
        guard model.hasClassifiers, model.config.fastbert.teacherTrained else {
            throw TrainingError.needsTrainedTeacher(model.headStatus)
        }
        let sequences = data.texts.map(bundle.tokenIds)
        printStatus("distill: \(data.count) texts, \(sequences.reduce(0) { $0 + $1.count }) tokens/epoch, "
            + "\(model.config.numLayers - 1) students, backbone and teacher frozen")
        let (distilled, report, losses) = try Distillation.train(
            model, sequences: sequences, options: options, checkpointDirectory: outDirectory + "/checkpoint",
            tokenizerSource: tokenizerSource, resume: resume,
            progress: ProgressBar.sink(title: "distill"))
        if report.completed { try ModelDirectory.save(distilled, to: outDirectory, tokenizerSource: tokenizerSource) }
        return (report, losses)
    }
}
