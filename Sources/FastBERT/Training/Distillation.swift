import Foundation
import Tokenizers

/// Stage 2: self-distillation. Backbone and teacher are frozen; every student l is trained on
/// KL(p_student_l || p_teacher), summed over students. Needs no labels.
public enum Distillation {
    /// Trains the students in memory on tokenized `sequences`, with `threads` for the matrix
    /// products, reporting to `progress`. Returns the model with `studentsDistilled` set, and the
    /// mean KL of each student over the last epoch.
    public static func train(
        _ model: FastBERTModel, sequences: [[Int32]], options: TrainingOptions, threads: Int,
        checkpointDirectory: String? = nil, tokenizerSource: String? = nil, resume: Bool = false,
        progress: ProgressSink = .silent
    ) throws -> (model: FastBERTModel, report: TrainingReport, studentLosses: [Float]) {
        precondition(model.hasClassifiers)
        let config = model.config
        let parameters = (0..<(config.numLayers - 1)).flatMap(Parameters.classifier)
        let loop = TrainingLoop(
            stage: "distill", model: model, parameters: parameters, tokenCounts: sequences.map(\.count), options: options,
            checkpointDirectory: checkpointDirectory, tokenizerSource: tokenizerSource, progress: progress)
        if resume { try loop.resume() }
        let encoder = Encoder(model: loop.model, threads: threads)
        let graph = DistillationGraph(config: config, threads: threads)
        var layerSums = [Double](repeating: 0, count: config.numLayers - 1), layerSteps = 0
        let stepsPerEpoch = loop.stepsPerEpoch
        let report = try loop.run { model, batch, _, gradients in
            let packed = PackedBatch(batch.map { sequences[$0] })
            let states = try encoder.allHiddenStates(packed)
            let losses = graph.step(model: model, batch: packed, hiddenStates: states, gradients: &gradients)
            if loop.state.step % stepsPerEpoch == 0 {
                layerSums = layerSums.map { _ in 0 }
                layerSteps = 0
            }
            for (i, loss) in losses.enumerated() { layerSums[i] += Double(loss) }
            layerSteps += 1
            return losses.reduce(0, +)
        }
        var distilled = loop.model
        distilled.config.fastbert.studentsDistilled = report.completed
        return (distilled, report, layerSums.map { Float($0 / Double(max(layerSteps, 1))) })
    }

    /// The whole `fastbert distill` job: read texts, tokenize, distill, save to `outDirectory`.
    public static func run(
        modelDirectory: String, data: TextDataset, outDirectory: String, options: TrainingOptions, resume: Bool,
        threads: Int
    ) throws -> (report: TrainingReport, studentLosses: [Float]) {
        let model = try ModelDirectory.load(modelDirectory)
        guard model.hasClassifiers, model.config.fastbert.teacherTrained else {
            throw TrainingError.needsTrainedTeacher(model.headStatus)
        }
        let tokenizer = try WordPieceTokenizer.load(modelDirectory: URL(fileURLWithPath: modelDirectory))
        let maxLength = min(options.maxLength, model.config.maxPositions)
        let sequences = data.texts.map { tokenizer.encodeIDs($0, maxLength: maxLength) }
        printStatus("distill: \(data.count) texts, \(sequences.reduce(0) { $0 + $1.count }) tokens/epoch, "
            + "\(model.config.numLayers - 1) students, backbone and teacher frozen")
        let (distilled, report, losses) = try train(
            model, sequences: sequences, options: options, threads: threads,
            checkpointDirectory: outDirectory + "/checkpoint", tokenizerSource: modelDirectory, resume: resume,
            progress: .progressBar(title: "distill"))
        if report.completed { try ModelDirectory.save(distilled, to: outDirectory, tokenizerSource: modelDirectory) }
        return (report, losses)
    }
}
