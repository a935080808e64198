import Foundation
import Tokenizers

extension Evaluation {
    /// The whole `fastbert eval` job: tokenize the labelled data with the model's tokenizer
    /// (not timed), then evaluate every speed.
    public static func run(
        modelDirectory: String, data: TextDataset, dataName: String, speeds: [Float], batchSize: Int, maxLength: Int,
        repeats: Int, threads: Int
    ) throws -> EvaluationReport {
        guard let rawLabels = data.labels else { throw TrainingError.noLabels(dataName) }
        let model = try ModelDirectory.load(modelDirectory)
        let engine = try EarlyExitEngine(model: model, threads: threads)
        if !model.config.fastbert.studentsDistilled { printStatus("warning: \(model.headStatus)") }
        let labels = model.config.fastbert.labels
        let labelIndex = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let unknown = Set(rawLabels).filter { labelIndex[$0] == nil }
        guard unknown.isEmpty else { throw TrainingError.unknownLabels(unknown.sorted()) }
        let tokenizer = try WordPieceTokenizer.load(modelDirectory: URL(fileURLWithPath: modelDirectory))
        let sequences = data.texts.map { tokenizer.encodeIDs($0, maxLength: min(maxLength, model.config.maxPositions)) }
        let results = try evaluate(engine: engine, sequences: sequences, targets: rawLabels.map { labelIndex[$0]! },
                                   speeds: speeds, batchSize: batchSize, repeats: repeats,
                                   progress: .progressBar(title: "eval", plainInterval: 0))
        return EvaluationReport(
            model: modelDirectory, modelId: model.config.fastbert.modelId, data: dataName, examples: data.count,
            meanTokens: Double(sequences.reduce(0) { $0 + $1.count }) / Double(max(sequences.count, 1)), labels: labels,
            layers: model.config.numLayers, batchSize: batchSize, threads: threads, repeats: repeats, results: results)
    }
}
