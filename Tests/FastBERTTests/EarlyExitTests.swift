import XCTest

@testable import FastBERT

final class EarlyExitTests: XCTestCase {
    let sequences = Fixtures.randomSequences(count: 40, vocab: 100, lengths: 2...30, seed: 5)

    func testSpeedZeroRunsEveryLayerForEverySampleAndSkipsStudents() throws {
        let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
        let predictions = try engine.classify(sequences, speed: 0)
        let tokens = sequences.reduce(0) { $0 + $1.count }
        XCTAssertEqual(engine.counters.encoderRows, [tokens, tokens, tokens, tokens])
        XCTAssertEqual(engine.counters.classifierSequences, [0, 0, 0, 40])
        XCTAssertTrue(predictions.allSatisfy { $0.exitLayer == 4 })
    }

    func testSpeedOneExitsEverySampleAtLayerOneAndComputesNoMoreLayers() throws {
        let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
        let predictions = try engine.classify(sequences, speed: 1)
        XCTAssertTrue(predictions.allSatisfy { $0.exitLayer == 1 })
        XCTAssertEqual(engine.counters.encoderRows.dropFirst().reduce(0, +), 0)
        XCTAssertEqual(engine.counters.exits, [40, 0, 0, 0])
    }

    func testIntermediateSpeedSkipsWorkOfExitedSamples() throws {
        let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
        let speed: Float = medianUncertaintyAtLayerOne()
        let predictions = try engine.classify(sequences, speed: speed)
        let exitedEarly = predictions.filter { $0.exitLayer < 4 }
        XCTAssertFalse(exitedEarly.isEmpty)
        XCTAssertFalse(predictions.filter { $0.exitLayer == 4 }.isEmpty)
        // Rows computed at layer k are exactly the tokens of samples that had not exited before k.
        for layer in 1...4 {
            let expected = zip(sequences, predictions).filter { $0.1.exitLayer >= layer }.reduce(0) { $0 + $1.0.count }
            XCTAssertEqual(engine.counters.encoderRows[layer - 1], expected, "layer \(layer)")
        }
        for prediction in predictions where prediction.exitLayer < 4 { XCTAssertLessThan(prediction.uncertainty, speed) }
        for prediction in predictions where prediction.exitLayer == 4 {
            XCTAssertEqual(prediction.probabilities.count, 3)
        }
    }

    func testBatchedResultsEqualOneAtATime() throws {
        let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
        let speed = medianUncertaintyAtLayerOne()
        let batched = try engine.classify(sequences, speed: speed)
        for (sequence, expected) in zip(sequences, batched) {
            let alone = try engine.classify([sequence], speed: speed)[0]
            XCTAssertEqual(alone.exitLayer, expected.exitLayer)
            XCTAssertEqual(alone.label, expected.label)
            XCTAssertLessThan(Fixtures.maxAbsDifference(alone.probabilities, expected.probabilities), 1e-5)
        }
    }

    func testShardedThreadsGiveTheSameResultsAsOneThread() throws {
        let speed = medianUncertaintyAtLayerOne()
        let one = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 1).classify(sequences, speed: speed)
        let two = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2).classify(sequences, speed: speed)
        let three = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 3).classify(sequences, speed: speed)
        // Shards change OpenBLAS's blocking, so sums may differ in the last bits, never in the decision.
        for other in [two, three] {
            XCTAssertEqual(one.map(\.label), other.map(\.label))
            XCTAssertEqual(one.map(\.exitLayer), other.map(\.exitLayer))
            for (a, b) in zip(one, other) { XCTAssertLessThan(Fixtures.maxAbsDifference(a.probabilities, b.probabilities), 1e-5) }
        }
        // One array reused across calls, as the engine does: each call replaces what the last left.
        var ranges: [Range<Int>] = []
        shardSequences(lengths: [5, 5, 5, 5], tokens: 20, shards: 2, into: &ranges)
        XCTAssertEqual(ranges, [0..<2, 2..<4])
        shardSequences(lengths: [30, 1, 1], tokens: 32, shards: 2, into: &ranges)
        XCTAssertEqual(ranges, [0..<1, 1..<3])
        shardSequences(lengths: [7], tokens: 7, shards: 2, into: &ranges)
        XCTAssertEqual(ranges, [0..<1])
    }

    func testPaddedBatchWithMaskEqualsPacked() throws {
        let padded = sequences.map { $0 + [Int32](repeating: 0, count: 30 - $0.count) }
        let masks = sequences.map { [Int32](repeating: 1, count: $0.count) + [Int32](repeating: 0, count: 30 - $0.count) }
        XCTAssertEqual(try PackedBatch(padded: padded, attentionMask: masks), PackedBatch(sequences))
        XCTAssertThrowsError(try PackedBatch(padded: [[1, 2, 3]], attentionMask: [[1, 0, 1]]))
    }

    func testUncertaintyIsNormalizedEntropy() {
        XCTAssertEqual(normalizedEntropy([0.5, 0.5], count: 2), 1, accuracy: 1e-6)
        XCTAssertEqual(normalizedEntropy([1, 0, 0], count: 3), 0, accuracy: 1e-6)
        XCTAssertEqual(normalizedEntropy([0.9, 0.1], count: 2), 0.4689956, accuracy: 1e-5)
    }

    func testModelWithoutHeadsIsRejectedClearly() {
        let model = FastBERTModel.random(config: Fixtures.tinyConfig(), seed: 1, withClassifiers: false)
        XCTAssertThrowsError(try EarlyExitEngine(model: model, threads: 2)) { XCTAssertTrue("\($0)".contains("fastbert train")) }
    }

    func testInvalidInputIsAnErrorNotACrash() throws {
        let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
        XCTAssertThrowsError(try engine.classify([[1, 500, 2]], speed: 0))
        XCTAssertThrowsError(try engine.classify([[Int32](repeating: 1, count: 65)], speed: 0))
    }

    private func medianUncertaintyAtLayerOne() -> Float {
        let engine = try! EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
        let u = try! engine.classify(sequences, speed: 1).map(\.uncertainty).sorted()
        // Halfway between two samples, so no sample sits on the threshold.
        return (u[u.count / 2] + u[u.count / 2 + 1]) / 2
    }
}
