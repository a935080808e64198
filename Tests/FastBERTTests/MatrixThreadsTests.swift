import XCTest

@testable import FastBERT

/// The thread count an engine or a training stage is built with decides every matrix product it
/// runs (OpenBLAS threads times shards side by side), whatever another engine left in OpenBLAS's
/// process-wide setting, also for the training products that follow an encoder pass.
final class MatrixThreadsTests: XCTestCase {
    let batch = Fixtures.randomSequences(count: 8, vocab: 100, lengths: 4...12, seed: 21)
    var lone: [[Int32]] { [batch[0]] }

    func testEngineRunsEveryProductOnItsThreadCount() throws {
        for threads in [1, 2] {
            let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: threads)
            let other = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 3 - threads)
            var seen: [Int: Int] = [:]
            for sequences in [batch, lone] {
                for speed: Float in [0, 0.5] {
                    _ = try other.classify(lone, speed: 0)  // leaves the other engine's count in OpenBLAS
                    let run = try MatrixProductLog.record { _ = try engine.classify(sequences, speed: speed) }
                    seen.merge(run, uniquingKeysWith: +)
                }
            }
            _ = try other.classify(lone, speed: 0)
            let evaluation = try MatrixProductLog.record {
                _ = try Evaluation.evaluate(engine: engine, sequences: batch, targets: batch.map { _ in 0 }, speeds: [0.5],
                                            batchSize: 4)
            }
            seen.merge(evaluation, uniquingKeysWith: +)
            XCTAssertEqual(seen.keys.sorted(), [threads], "products by thread count: \(seen)")
        }
    }

    func testTrainingStagesRunEveryProductOnTheirThreadCount() throws {
        let targets = batch.indices.map { $0 % 3 }
        var options = TrainingOptions()
        options.epochs = 1
        options.batchSize = 4
        options.learningRate = 1e-3
        let model = FastBERTModel.trainable(config: Fixtures.tinyConfig(), seed: 11, backboneStd: 0.5, headStd: 0.1)
        for threads in [1, 2] {
            let other = try EarlyExitEngine(model: model, threads: 3 - threads)
            for freezeBackbone in [false, true] {
                _ = try other.classify(lone, speed: 0)
                let seen = try MatrixProductLog.record {
                    _ = try FineTuning.train(model, sequences: batch, targets: targets, options: options,
                                             freezeBackbone: freezeBackbone, threads: threads)
                }
                XCTAssertEqual(seen.keys.sorted(), [threads], "fine-tuning (frozen \(freezeBackbone)): \(seen)")
            }
            _ = try other.classify(lone, speed: 0)
            let seen = try MatrixProductLog.record {
                _ = try Distillation.train(model, sequences: batch, options: options, threads: threads)
            }
            XCTAssertEqual(seen.keys.sorted(), [threads], "distillation: \(seen)")
        }
    }
}
