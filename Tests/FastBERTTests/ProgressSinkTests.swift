import XCTest

@testable import FastBERT

/// The engine reports progress and status only to the sink its caller passes.
final class ProgressSinkTests: XCTestCase {
    final class Recorder: @unchecked Sendable {
        var updates: [[Int]] = []
        var statuses: [String] = []
        var sink: ProgressSink {
            ProgressSink(update: { done, total, _ in self.updates.append([done, total]) }, status: { self.statuses.append($0) })
        }
    }

    func testTrainingReportsEveryStepAndTheResumePoint() throws {
        let sequences = Fixtures.randomSequences(count: 12, vocab: 100, lengths: 4...12, seed: 70)
        let targets = sequences.indices.map { $0 % 3 }
        var options = TrainingOptions()
        options.epochs = 2
        options.batchSize = 4
        options.stopAfterSteps = 4
        let model = FastBERTModel.trainable(config: Fixtures.tinyConfig(), seed: 11, backboneStd: 0.5, headStd: 0.1)
        let directory = Fixtures.temporaryDirectory() + "/checkpoint"
        let first = Recorder()
        _ = try FineTuning.train(model, sequences: sequences, targets: targets, options: options, freezeBackbone: false,
                                 threads: 1, checkpointDirectory: directory, progress: first.sink)
        XCTAssertEqual(first.updates, [[1, 6], [2, 6], [3, 6], [4, 6]])
        XCTAssertEqual(first.statuses, [])

        options.stopAfterSteps = nil
        let resumed = Recorder()
        _ = try FineTuning.train(model, sequences: sequences, targets: targets, options: options, freezeBackbone: false,
                                 threads: 1, checkpointDirectory: directory, resume: true, progress: resumed.sink)
        XCTAssertEqual(resumed.updates, [[1, 2], [2, 2]])
        XCTAssertEqual(resumed.statuses, ["train: resuming from \(directory) at step 4/6"])
    }

    func testEvaluationReportsEachSpeed() throws {
        let sequences = Fixtures.randomSequences(count: 10, vocab: 100, lengths: 3...20, seed: 8)
        let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 1)
        let recorder = Recorder()
        _ = try Evaluation.evaluate(engine: engine, sequences: sequences, targets: sequences.map { _ in 0 }, speeds: [0.5, 1],
                                    batchSize: 4, progress: recorder.sink)
        XCTAssertEqual(recorder.updates, [[1, 3], [2, 3], [3, 3]])
    }
}
