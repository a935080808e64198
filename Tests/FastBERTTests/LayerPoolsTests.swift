import XCTest

@testable import FastBERT

final class LayerPoolsTests: XCTestCase {
    let sequences = Fixtures.randomSequences(count: 120, vocab: 100, lengths: 2...30, seed: 13)

    /// A clock the test moves by hand.
    final class ManualClock {
        var now: UInt64 = 1_000
    }

    func testPooledPredictionsEqualThePlainEngineForMixedPoliciesLengthsAndBatchSizes() throws {
        let reference = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
        let traces = try reference.trace(PackedBatch(sequences))
        let entropy = (0..<3).map { layer in traces.map { $0.entropy[layer] }.sorted()[traces.count / 2] }
        let gap = (0..<3).map { layer in traces.map { $0.topGap[layer] }.sorted()[traces.count / 2] }
        let policies: [ExitPolicy] = [
            .speed(entropy[0], layers: 4), .speed(0, layers: 4), .speed(1, layers: 4),
            ExitPolicy(criterion: .entropy, thresholds: [0, entropy[1], entropy[2]]),
            ExitPolicy(criterion: .maxProbability, thresholds: [gap[0], 0, gap[2]]),
            .patience(1),
        ]
        // Mostly the first policy (the stream's), with every other one mixed in.
        let policyOf = sequences.indices.map { $0 % 3 == 0 ? policies[($0 / 3) % policies.count] : policies[0] }
        let expected = try sequences.indices.map { try reference.classify([sequences[$0]], policy: policyOf[$0])[0] }

        let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
        let pools = LayerPools<Int>(engine: engine, target: 12, maxWaitNanos: 1_000_000, clock: { 0 })
        var got = [Prediction?](repeating: nil, count: sequences.count)
        var next = 0, batchSize = 1
        while next < sequences.count {
            let batch = Array(next..<min(sequences.count, next + batchSize))
            try pools.add(batch.map { sequences[$0] }, policies: batch.map { policyOf[$0] }, tags: batch)
            for (tag, prediction) in pools.run() {
                XCTAssertNil(got[tag], "sample \(tag) finished twice")
                got[tag] = prediction
            }
            next += batch.count
            batchSize = batchSize % 9 + 2
        }
        XCTAssertFalse(pools.isEmpty, "a stream this short leaves samples waiting in deep pools")
        for (tag, prediction) in pools.run(flush: true) { got[tag] = prediction }
        XCTAssertTrue(pools.isEmpty)

        for (index, prediction) in got.enumerated() {
            let prediction = try XCTUnwrap(prediction, "sample \(index) never finished")
            XCTAssertEqual(prediction.label, expected[index].label, "sample \(index)")
            XCTAssertEqual(prediction.exitLayer, expected[index].exitLayer, "sample \(index)")
            XCTAssertLessThan(Fixtures.maxAbsDifference(prediction.probabilities, expected[index].probabilities), 1e-5)
        }
        // The same work as the plain engine: rows of samples still running, classifiers their policies need.
        let finished = got.map { $0! }
        XCTAssertGreaterThan(Set(finished.map(\.exitLayer)).count, 2)
        for layer in 0..<4 {
            let running = sequences.indices.filter { finished[$0].exitLayer > layer }
            XCTAssertEqual(engine.counters.encoderRows[layer], running.reduce(0) { $0 + sequences[$1].count }, "layer \(layer + 1)")
            XCTAssertEqual(engine.counters.classifierSequences[layer],
                           running.filter { policyOf[$0].evaluates(layer: layer, numLayers: 4) }.count, "layer \(layer + 1)")
            XCTAssertEqual(engine.counters.exits[layer], finished.filter { $0.exitLayer == layer + 1 }.count)
        }
    }

    func testASamplePooledAloneIsReleasedWhenItsWaitRunsOut() throws {
        let clock = ManualClock()
        let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
        let pools = LayerPools<String>(engine: engine, target: 100, maxWaitNanos: 5_000) { clock.now }
        try pools.add([sequences[0]], policies: [.fullDepth(layers: 4)], tags: ["alone"])
        XCTAssertTrue(pools.run().isEmpty, "after layer 1 a pool short of its target waits")
        XCTAssertEqual(pools.nextDeadline, 6_000)
        clock.now = 5_999
        XCTAssertTrue(pools.run().isEmpty)
        XCTAssertEqual(pools.count, 1)
        XCTAssertEqual(engine.counters.encoderRows, [sequences[0].count, 0, 0, 0])

        clock.now = 6_000
        let released = pools.run()
        XCTAssertEqual(released.map(\.tag), ["alone"])
        XCTAssertEqual(released.first?.prediction.exitLayer, 4, "past its deadline a sample runs straight to its exit")
        XCTAssertTrue(pools.isEmpty)
        XCTAssertNil(pools.nextDeadline)
    }

    func testTheWaitCountsFromEntryAcrossPools() throws {
        let clock = ManualClock()
        let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
        let pools = LayerPools<Int>(engine: engine, target: 4, maxWaitNanos: 5_000) { clock.now }
        let full = ExitPolicy.fullDepth(layers: 4)
        // Layer 1 runs at once: sample 0 leaves there, samples 1 and 2 wait at layer 2.
        try pools.add(Array(sequences[0..<3]), policies: [.speed(1, layers: 4), full, full], tags: [0, 1, 2])
        XCTAssertEqual(pools.run().map(\.tag), [0])
        XCTAssertEqual(pools.count, 2)
        clock.now = 4_000
        try pools.add([sequences[3]], policies: [full], tags: [3])
        XCTAssertTrue(pools.run().isEmpty, "three samples at layer 2, short of the target")
        XCTAssertEqual(pools.nextDeadline, 6_000)
        // Samples 1 and 2 were added at 1 000, so at 6 000 their pool is due; a due pool runs whole,
        // and sample 3 rides along to the end.
        clock.now = 5_999
        XCTAssertTrue(pools.run().isEmpty)
        clock.now = 6_000
        XCTAssertEqual(Set(pools.run().map(\.tag)), [1, 2, 3])
        XCTAssertTrue(pools.isEmpty)
        XCTAssertEqual(engine.counters.encoderRows[3], sequences[1].count + sequences[2].count + sequences[3].count)
    }

    func testInvalidSequencesAreRefusedWithoutPoolingAny() throws {
        let pools = LayerPools<Int>(engine: try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2), target: 4, maxWaitNanos: 0)
        XCTAssertThrowsError(try pools.add([[1, 2], [1, 500, 2]], policies: [.patience(1), .patience(1)], tags: [0, 1]))
        XCTAssertTrue(pools.isEmpty)
    }
}
