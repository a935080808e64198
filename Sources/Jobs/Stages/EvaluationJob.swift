import FastBERT

/// The whole `fastbert eval` job: tokenize the labelled data with the bundle's tokenizer (not
/// timed), then evaluate full depth and every exit setting on the bundle's engine.
public enum EvaluationJob {
    public static func run(
        bundle: ModelBundle, modelDirectory: String, data: TextDataset, dataName: String, settings: [ExitSetting], batchSize: Int,
        repeats: Int
    ) throws -> EvaluationReport {
        guard let rawLabels = data.labels else { throw TrainingError.noLabels(dataName) }
        let model = bundle.model
        let engine = try bundle.makeEngine()
        if !model.config.fastbert.studentsDistilled { printStatus("warning: \(model.headStatus)") }
        let labels = model.config.fastbert.labels
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let unknown = Set(rawLabels).filter { labelIndex[$0] == nil }
        guard unknown.isEmpty else { throw TrainingError.unknownLabels(unknown.sorted()) }
        let sequences = data.texts.map(bundle.tokenIds)
        let results = try Evaluation.evaluate(
            engine: engine, sequences: sequences, targets: rawLabels.map { labelIndex[$0]! }, settings: settings,
            batchSize: batchSize, repeats: repeats, progress: ProgressSink.progressBar(title: "eval", plainInterval: 0))
        return EvaluationReport(
            model: modelDirectory, modelId: bundle.modelId, data: dataName, examples: data.count,
            meanTokens: Double(sequences.reduce(0) { $0 + $1.count }) / Double(max(sequences.count, 1)), labels: labels,
            layers: model.config.numLayers, batchSize: batchSize, threads: bundle.threads, repeats: repeats, results: results)
    }
}
