import XCTest

@testable import FastBERT

/// Whole-stage behaviour on a tiny model: learning, freezing, distillation, resume.
final class TrainingLoopTests: XCTestCase {
    /// 12 random sequences with random labels: only memorisation can fit them.
    let sequences = Fixtures.randomSequences(count: 12, vocab: 100, lengths: 4...12, seed: 70)
    let targets = (0..<12).map { ($0 * 7 + 3) % 3 }

    func options(epochs: Int, lr: Float, dropout: Float = 0) -> TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.learningRate = lr
        o.batchSize = 4
        o.dropout = dropout
        o.warmup = 0.1
        o.seed = 3
        return o
    }

    func tinyModel() -> FastBERTModel {
        FastBERTModel.trainable(config: Fixtures.tinyConfig(), seed: 11, backboneStd: 0.5, headStd: 0.1)
    }

    func testFullFineTuningLossFallsAndMemorisesExamples() throws {
        let (trained, report) = try FineTuning.train(
            tinyModel(), sequences: sequences, targets: targets, options: options(epochs: 40, lr: 3e-3), freezeBackbone: false,
            threads: 2)
        XCTAssertTrue(report.completed)
        XCTAssertTrue(trained.config.fastbert.teacherTrained)
        XCTAssertLessThan(report.epochLosses.last!, report.epochLosses.first! * 0.2, "\(report.epochLosses)")
        let predictions = try EarlyExitEngine(model: trained, threads: 2).classify(sequences, speed: 0)
        XCTAssertEqual(predictions.map(\.label), targets)
    }

    func testFrozenBackboneTrainsTheTeacherOnly() throws {
        let model = tinyModel()
        let (trained, report) = try FineTuning.train(
            model, sequences: sequences, targets: targets, options: options(epochs: 5, lr: 1e-2), freezeBackbone: true,
            threads: 2)
        XCTAssertEqual(trained.backbone, model.backbone)
        XCTAssertEqual(Array(trained.classifiers.dropLast()), Array(model.classifiers.dropLast()))
        XCTAssertNotEqual(trained.classifiers.last, model.classifiers.last)
        XCTAssertLessThan(report.epochLosses.last!, report.epochLosses.first!)
    }

    func testDistillationBringsStudentsToTheTeacher() throws {
        let (teacher, _) = try FineTuning.train(
            tinyModel(), sequences: sequences, targets: targets, options: options(epochs: 20, lr: 3e-3), freezeBackbone: false,
            threads: 2)
        let (distilled, report, losses) = try Distillation.train(
            teacher, sequences: sequences, options: options(epochs: 60, lr: 1e-2), threads: 2)
        XCTAssertTrue(distilled.config.fastbert.studentsDistilled)
        XCTAssertEqual(distilled.backbone, teacher.backbone)
        XCTAssertEqual(distilled.classifiers.last, teacher.classifiers.last)
        XCTAssertLessThan(report.epochLosses.last!, report.epochLosses.first! * 0.3, "\(report.epochLosses)")
        XCTAssertEqual(losses.count, 3)
        // Every sample leaving at layer 1 (speed 1) now mostly gets the teacher's answer.
        let engine = try EarlyExitEngine(model: distilled, threads: 2)
        let full = try engine.classify(sequences, speed: 0).map(\.label)
        let first = try engine.classify(sequences, speed: 1).map(\.label)
        XCTAssertGreaterThanOrEqual(zip(full, first).filter { $0 == $1 }.count, 10, "\(report.epochLosses) \(losses)")
    }

    func testUndistilledStudentsStartAsCopiesOfTheTeacherAndDistilledOnesAreKept() throws {
        let (teacher, _) = try FineTuning.train(
            tinyModel(), sequences: sequences, targets: targets, options: options(epochs: 2, lr: 3e-3), freezeBackbone: false,
            threads: 1)
        XCTAssertNotEqual(teacher.classifiers[0], teacher.classifiers.last)
        // A rate of 0 leaves every weight where it starts.
        let (fresh, _, _) = try Distillation.train(teacher, sequences: sequences, options: options(epochs: 1, lr: 0), threads: 1)
        for student in fresh.classifiers.dropLast() { XCTAssertEqual(student, teacher.classifiers.last) }
        var distilled = teacher
        distilled.config.fastbert.studentsDistilled = true
        let (again, _, _) = try Distillation.train(distilled, sequences: sequences, options: options(epochs: 1, lr: 0), threads: 1)
        XCTAssertEqual(again.classifiers, teacher.classifiers)
    }

    func testResumedRunEqualsUninterruptedRun() throws {
        let o = options(epochs: 2, lr: 3e-3, dropout: 0.1)
        let straightDirectory = Fixtures.temporaryDirectory() + "/checkpoint"
        let (straight, _) = try FineTuning.train(
            tinyModel(), sequences: sequences, targets: targets, options: o, freezeBackbone: false, threads: 2,
            checkpointDirectory: straightDirectory)

        let directory = Fixtures.temporaryDirectory() + "/checkpoint"
        var interrupted = o
        interrupted.stopAfterSteps = 4  // mid-way through epoch 2 (3 steps per epoch)
        let (_, partial) = try FineTuning.train(
            tinyModel(), sequences: sequences, targets: targets, options: interrupted, freezeBackbone: false, threads: 2,
            checkpointDirectory: directory)
        XCTAssertFalse(partial.completed)
        XCTAssertEqual(partial.steps, 4)
        let (resumed, report) = try FineTuning.train(
            tinyModel(), sequences: sequences, targets: targets, options: o, freezeBackbone: false, threads: 2,
            checkpointDirectory: directory, resume: true)
        XCTAssertTrue(report.completed)
        XCTAssertEqual(report.steps, 6)
        XCTAssertEqual(resumed.backbone, straight.backbone)
        XCTAssertEqual(resumed.classifiers, straight.classifiers)
    }

    func testResumeRefusesACheckpointMadeWithOtherOptions() throws {
        let directory = Fixtures.temporaryDirectory() + "/checkpoint"
        var o = options(epochs: 1, lr: 3e-3)
        _ = try FineTuning.train(tinyModel(), sequences: sequences, targets: targets, options: o, freezeBackbone: false,
                                 threads: 2, checkpointDirectory: directory)
        o.learningRate = 1e-3
        XCTAssertThrowsError(try FineTuning.train(tinyModel(), sequences: sequences, targets: targets, options: o,
                                                  freezeBackbone: false, threads: 2, checkpointDirectory: directory, resume: true))
    }

    func testLearningRateWarmsUpThenDecaysToZero() {
        let schedule = LearningRateSchedule(peak: 1, warmupSteps: 4, totalSteps: 20)
        XCTAssertEqual(schedule.rate(atStep: 0), 0.25)
        XCTAssertEqual(schedule.rate(atStep: 3), 1)
        XCTAssertEqual(schedule.rate(atStep: 12), 0.5)
        XCTAssertEqual(schedule.rate(atStep: 20), 0)
    }
}
