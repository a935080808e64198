/// Stage 2: self-distillation. Backbone and teacher are frozen; every student l is trained on
/// KL(p_student_l || p_teacher), summed over students. Needs no labels.
///
/// Students that were never distilled start as copies of the teacher, not from random weights: on
/// 77 intents, random students were still near uniform after 10 epochs (summed KL 14.8), while
/// copies start close to the teacher on the layers next to it (docs/results.md, banking77).
public enum Distillation {
    /// `model` with every student replaced by a copy of the teacher.
    public static func studentsFromTeacher(_ model: FastBERTModel) -> FastBERTModel {
        guard let teacher = model.teacher else { return model }
        var copied = model
        for student in 0..<(model.classifiers.count - 1) { copied.classifiers[student] = teacher }
        return copied
    }

    /// Trains the students in memory on tokenized `sequences`, with `threads` for the matrix
    /// products, reporting to `progress`. Returns the model with `studentsDistilled` set, and the
    /// mean KL of each student over the last epoch.
    public static func train(
        _ model: FastBERTModel, sequences: [[Int32]], options: TrainingOptions, threads: Int,
        checkpointDirectory: String? = nil, tokenizerSource: String? = nil, resume: Bool = false,
        progress: ProgressSink = .silent, afterEpoch: EpochHook? = nil
    ) throws -> (model: FastBERTModel, report: TrainingReport, studentLosses: [Float]) {
        precondition(model.hasClassifiers)
        let config = model.config
        let parameters = (0..<(config.numLayers - 1)).flatMap(Parameters.classifier)
        let start = config.fastbert.studentsDistilled ? model : studentsFromTeacher(model)
        let loop = TrainingLoop(
            stage: "distill", model: start, parameters: parameters, tokenCounts: sequences.map(\.count), options: options,
            checkpointDirectory: checkpointDirectory, tokenizerSource: tokenizerSource, progress: progress)
        loop.afterEpoch = afterEpoch
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
}
