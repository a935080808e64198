import FastBERT
import Foundation

/// The whole `fastbert train` job: hold out a validation split, tokenize with the bundle's
/// tokenizer, run stage 1 (the schedule settings not in `given` from the data), keep the model of
/// the epoch with the best validation accuracy in `outDirectory` (stopping once it has not
/// improved for `TrainingSchedule.patience` epochs), and write the held-out rows to
/// `outDirectory/validation.tsv` for `fastbert calibrate`. Checkpoints go to `outDirectory/checkpoint`.
public enum TrainJob {
    public static let validationFile = "validation.tsv"

    /// The rows `train` held out into `directory` (nil when it held out none).
    public static func validationRows(in directory: String) throws -> TextDataset? {
        let path = directory + "/" + validationFile
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try DatasetReader.read(path: path, withLabels: true, header: .yes)
    }

    public struct Result: Sendable {
        public var report: TrainingReport
        /// Teacher accuracy on the validation split after each epoch run (empty without a split).
        public var validationAccuracy: [Double]
        /// The epoch whose model was kept (the last one without a split).
        public var keptEpoch: Int?
    }

    public static func run(
        bundle: ModelBundle, data: TextDataset, outDirectory: String, options: TrainingOptions, given: TrainingSchedule.Given,
        freezeBackbone: Bool, validationFraction: Double, validationLimit: Int, resume: Bool, modelId: String? = nil,
        tokenizerSource: String
    ) throws -> Result {
        guard data.labels != nil else { throw TrainingError.noLabels("training data") }
        guard data.count >= 2 else { throw TrainingError.tooFewExamples(data.count) }
        let (trainRows, validationRows) = data.split(
            validationFraction: validationFraction, limit: validationLimit, seed: options.seed)
        var model = FineTuning.prepare(bundle.model, labels: data.labelSet(), seed: options.seed)
        if let modelId { model.config.fastbert.modelId = modelId }
        let labelIndex = Dictionary(uniqueKeysWithValues: model.config.fastbert.labels.enumerated().map { ($1, $0) })
        let schedule = TrainingSchedule.settings(examples: trainRows.count, labels: labelIndex.count, given: given)
        var options = options
        options.epochs = schedule.epochs
        options.learningRate = schedule.learningRate
        options.batchSize = schedule.batchSize
        options.warmup = schedule.warmup
        let sequences = trainRows.texts.map(bundle.tokenIds)
        let targets = trainRows.labels!.map { labelIndex[$0]! }
        let validation = Validation(
            sequences: validationRows.texts.map(bundle.tokenIds), targets: validationRows.labels!.map { labelIndex[$0]! },
            threads: bundle.threads)
        printStatus("train: \(trainRows.count) examples (\(validationRows.count) held out for validation), "
            + "\(labelIndex.count) labels, \(sequences.reduce(0) { $0 + $1.count }) tokens/epoch, "
            + String(format: "%d epochs, lr %.3g, batch %d, warmup %.3g", options.epochs, options.learningRate, options.batchSize,
                     options.warmup)
            + " (what is not given: from \(trainRows.count / max(labelIndex.count, 1)) examples per label), "
            + (freezeBackbone ? "backbone frozen (teacher head only)" : "full fine-tuning"))
        try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        if validationRows.count > 0 { try validationRows.writeTSV(to: outDirectory + "/" + validationFile) }

        var accuracies: [Double] = []
        var best: (accuracy: Double, epoch: Int)?
        func keep(_ model: FastBERTModel) throws {
            var kept = model
            kept.config.fastbert.teacherTrained = true
            kept.config.fastbert.studentsDistilled = false
            try ModelDirectory.save(kept, to: outDirectory, tokenizerSource: tokenizerSource)
        }
        let afterEpoch: EpochHook? = validation.isEmpty ? nil : { epoch, model, _ in
            let accuracy = try validation.accuracy(of: model)
            accuracies.append(accuracy)
            printStatus(String(format: "train: epoch %d validation accuracy %.2f%%", epoch, accuracy * 100))
            if accuracy > best?.accuracy ?? -1 {
                best = (accuracy, epoch)
                try keep(model)
            }
            return epoch - best!.epoch < TrainingSchedule.patience
        }
        let (trained, report) = try FineTuning.train(
            model, sequences: sequences, targets: targets, options: options, freezeBackbone: freezeBackbone, threads: bundle.threads,
            checkpointDirectory: outDirectory + "/checkpoint", tokenizerSource: tokenizerSource, resume: resume,
            progress: ProgressSink.progressBar(title: "train"), afterEpoch: afterEpoch)
        if report.completed, best == nil { try keep(trained) }
        return Result(report: report, validationAccuracy: accuracies, keptEpoch: best?.epoch ?? (report.completed ? options.epochs : nil))
    }
}

/// Teacher accuracy on held-out sequences, for choosing the epoch to keep.
struct Validation {
    let sequences: [[Int32]]
    let targets: [Int]
    let threads: Int

    var isEmpty: Bool { sequences.isEmpty }

    func accuracy(of model: FastBERTModel) throws -> Double {
        let engine = try EarlyExitEngine(model: model, threads: threads)
        var labels: [Int] = []
        for start in stride(from: 0, to: sequences.count, by: 64) {
            let batch = Array(sequences[start..<min(start + 64, sequences.count)])
            labels += try engine.classify(batch, policy: .fullDepth(layers: model.config.numLayers)).map(\.label)
        }
        return Evaluation.accuracy(labels, targets)
    }
}
