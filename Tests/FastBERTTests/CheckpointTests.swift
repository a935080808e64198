import XCTest

@testable import FastBERT

/// A save interrupted at any step leaves a complete checkpoint to resume from.
final class CheckpointTests: XCTestCase {
    let sequences = Fixtures.randomSequences(count: 12, vocab: 100, lengths: 4...12, seed: 70)
    let targets = (0..<12).map { ($0 * 7 + 3) % 3 }

    /// 2 epochs of 3 steps; checkpoints at every epoch end.
    func options(stopAfter steps: Int? = nil) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = 2
        o.learningRate = 3e-3
        o.batchSize = 4
        o.dropout = 0.1
        o.seed = 3
        o.stopAfterSteps = steps
        return o
    }

    func train(
        _ options: TrainingOptions, checkpoint: String?, resume: Bool = false, progress: ProgressSink = .silent
    ) throws -> (model: FastBERTModel, report: TrainingReport) {
        let model = FastBERTModel.trainable(config: Fixtures.tinyConfig(), seed: 11, backboneStd: 0.5, headStd: 0.1)
        return try FineTuning.train(model, sequences: sequences, targets: targets, options: options, freezeBackbone: false,
                                    threads: 1, checkpointDirectory: checkpoint, resume: resume, progress: progress)
    }

    func testResumeAfterACrashAtAnyStepOfASaveContinuesFromTheLastCompleteCheckpoint() throws {
        let (straight, _) = try train(options(), checkpoint: nil)
        // What the run saves after step 4: written again below and interrupted.
        let reference = Fixtures.temporaryDirectory() + "/checkpoint"
        _ = try train(options(stopAfter: 4), checkpoint: reference)
        let state = try Checkpoint.loadState(reference)
        let model = try ModelDirectory.load(Checkpoint.modelDirectory(reference))
        let parameters = Parameters.backbone(model.config) + Parameters.classifier(model.config.numLayers - 1)
        var optimizer = AdamW(model: model, parameters: parameters, weightDecay: options().weightDecay)
        try Checkpoint.loadOptimizer(reference, into: &optimizer)
        XCTAssertEqual(state.step, 4)

        for stop in Checkpoint.SaveStep.allCases {
            let directory = Fixtures.temporaryDirectory() + "/checkpoint"
            _ = try train(options(stopAfter: 3), checkpoint: directory)  // a complete checkpoint at step 3
            try Checkpoint.save(model: model, optimizer: optimizer, state: state, to: directory, tokenizerSource: nil,
                                stoppingBefore: stop)

            let statuses = StatusRecorder()
            let (resumed, report) = try train(options(), checkpoint: directory, resume: true, progress: statuses.sink)
            let step = stop == .removePrevious ? 4 : 3  // only the last step comes after the new one is in place
            let folder = stop == .moveIntoPlace ? Checkpoint.previousDirectory(directory) : directory
            XCTAssertEqual(statuses.messages, ["train: resuming from \(folder) at step \(step)/6"], "crash before \(stop)")
            XCTAssertEqual(report.examplesSeen, (6 - step) * 4, "crash before \(stop)")
            XCTAssertTrue(report.completed)
            XCTAssertEqual(resumed.backbone, straight.backbone, "crash before \(stop)")
            XCTAssertEqual(resumed.classifiers, straight.classifiers, "crash before \(stop)")
            // The next save tidied up: one checkpoint, no leftovers beside it.
            XCTAssertTrue(Checkpoint.isComplete(directory))
            XCTAssertFalse(FileManager.default.fileExists(atPath: Checkpoint.partialDirectory(directory)))
            XCTAssertFalse(FileManager.default.fileExists(atPath: Checkpoint.previousDirectory(directory)))
        }
    }

    func testAnIncompleteCurrentFolderFallsBackToThePreviousCheckpoint() throws {
        let directory = Fixtures.temporaryDirectory() + "/checkpoint"
        _ = try train(options(stopAfter: 3), checkpoint: directory)
        try FileManager.default.moveItem(atPath: directory, toPath: Checkpoint.previousDirectory(directory))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: directory + "/state.json"))
        XCTAssertEqual(Checkpoint.latest(directory), Checkpoint.previousDirectory(directory))
        let statuses = StatusRecorder()
        let (_, report) = try train(options(), checkpoint: directory, resume: true, progress: statuses.sink)
        XCTAssertEqual(statuses.messages, ["train: resuming from \(directory).previous at step 3/6"])
        XCTAssertEqual(report.examplesSeen, 12)
        XCTAssertTrue(Checkpoint.isComplete(directory))
    }

    func testAFailedSyncNamesTheFile() {
        XCTAssertThrowsError(try Checkpoint.sync("/nonexistent-fastbert/checkpoint")) {
            XCTAssertEqual("\($0)", "/nonexistent-fastbert/checkpoint: cannot write: No such file or directory")
        }
    }

    final class StatusRecorder: @unchecked Sendable {
        var messages: [String] = []
        var sink: ProgressSink { ProgressSink(update: { _, _, _ in }, status: { self.messages.append($0) }) }
    }
}
