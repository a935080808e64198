import FastBERT

/// The whole `fastbert distill` job: leave out the rows `train` held out (the teacher folder's
/// validation.tsv, copied to the output folder), so `calibrate` on them scores students that
/// never saw them; tokenize the texts with the bundle's tokenizer, hold some out, run stage 2 (no
/// labels needed) until the students' KL to the teacher stops falling (or the epoch bound),
/// report each student's KL and its agreement with the teacher on the held-out texts, and save
/// to `outDirectory` (checkpoints in `outDirectory/checkpoint`).
public enum DistillJob {
    /// An epoch must lower the students' summed KL by at least this fraction to go on.
    public static let minimumImprovement: Float = 0.01

    public struct Result: Sendable {
        public var report: TrainingReport
        /// Mean KL(student || teacher) of each student over the last epoch.
        public var studentKL: [Float]
        /// Share of held-out texts on which each student's label is the teacher's.
        public var agreement: [Double]
        public var heldOut: Int
    }

    public static func run(
        bundle: ModelBundle, data: TextDataset, outDirectory: String, options: TrainingOptions, resume: Bool,
        heldOutFraction: Double, heldOutLimit: Int, tokenizerSource: String
    ) throws -> Result {
        let model = bundle.model
        guard model.hasClassifiers, model.config.fastbert.teacherTrained else {
            throw TrainingError.needsTrainedTeacher(model.headStatus)
        }
        let calibrationRows = try TrainJob.validationRows(in: tokenizerSource)
        var unlabelled = TextDataset(texts: data.texts, labels: nil)
        if let calibrationRows {
            let (kept, removed) = unlabelled.removing(textsOf: calibrationRows)
            printStatus("distill: \(removed) texts left out: they are in \(tokenizerSource)/\(TrainJob.validationFile), "
                + "kept for calibrate")
            unlabelled = kept
        }
        guard unlabelled.count >= 2 else { throw TrainingError.tooFewTexts(unlabelled.count) }
        let (trainRows, heldOutRows) = unlabelled.split(
            validationFraction: heldOutFraction, limit: heldOutLimit, seed: options.seed)
        let sequences = trainRows.texts.map(bundle.tokenIds)
        printStatus("distill: \(trainRows.count) texts (\(heldOutRows.count) held out), "
            + "\(sequences.reduce(0) { $0 + $1.count }) tokens/epoch, up to \(options.epochs) epochs, "
            + "\(model.config.numLayers - 1) students, backbone and teacher frozen")
        var previous: Float?
        let untilKLStopsFalling: EpochHook = { epoch, _, loss in
            defer { previous = loss }
            printStatus(String(format: "distill: epoch %d mean summed KL %.4f", epoch, loss))
            guard let previous else { return true }
            return loss < previous * (1 - minimumImprovement)
        }
        let (distilled, report, losses) = try Distillation.train(
            model, sequences: sequences, options: options, threads: bundle.threads, checkpointDirectory: outDirectory + "/checkpoint",
            tokenizerSource: tokenizerSource, resume: resume, progress: ProgressSink.progressBar(title: "distill"),
            afterEpoch: untilKLStopsFalling)
        if report.completed {
            try ModelDirectory.save(distilled, to: outDirectory, tokenizerSource: tokenizerSource)
            try calibrationRows?.writeTSV(to: outDirectory + "/" + TrainJob.validationFile)
        }
        let agreement = try teacherAgreement(
            distilled, sequences: heldOutRows.texts.map(bundle.tokenIds), threads: bundle.threads)
        return Result(report: report, studentKL: losses, agreement: agreement, heldOut: heldOutRows.count)
    }

    /// For each student, the share of `sequences` it labels as the teacher does.
    static func teacherAgreement(_ model: FastBERTModel, sequences: [[Int32]], threads: Int) throws -> [Double] {
        let students = model.config.numLayers - 1
        guard !sequences.isEmpty else { return [] }
        let engine = try EarlyExitEngine(model: model, threads: threads)
        var agreeing = [Int](repeating: 0, count: students)
        for start in stride(from: 0, to: sequences.count, by: 64) {
            for trace in try engine.trace(PackedBatch(Array(sequences[start..<min(start + 64, sequences.count)]))) {
                for layer in 0..<students where trace.labels[layer] == trace.labels[students] { agreeing[layer] += 1 }
            }
        }
        return agreeing.map { Double($0) / Double(sequences.count) }
    }
}
