import XCTest

@testable import FastBERT

final class ExitPolicyTests: XCTestCase {
    let sequences = Fixtures.randomSequences(count: 60, vocab: 100, lengths: 2...30, seed: 9)

    /// Median of each layer's score over the traces, so that about half can leave at every layer.
    func medians(_ traces: [LayerTrace], _ score: (LayerTrace, Int) -> Float) -> [Float] {
        (0..<3).map { layer in traces.map { score($0, layer) }.sorted()[traces.count / 2] }
    }

    func testReplayingATracedPolicyGivesTheEnginesLabelsExitsAndClassifierCounts() throws {
        let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
        let traces = try engine.trace(PackedBatch(sequences))
        XCTAssertEqual(traces.map(\.length), sequences.map(\.count))
        XCTAssertTrue(traces.allSatisfy { $0.labels.count == 4 && $0.entropy.count == 4 && $0.topGap.count == 4 })
        let entropy = medians(traces) { $0.entropy[$1] }, gap = medians(traces) { $0.topGap[$1] }
        let policies: [ExitPolicy] = [
            .speed(0, layers: 4), .speed(entropy[0], layers: 4), .speed(1, layers: 4),
            ExitPolicy(criterion: .entropy, thresholds: [0, entropy[1], entropy[2]]),
            ExitPolicy(criterion: .maxProbability, thresholds: [gap[0], 0, gap[2]]),
            .patience(1), .patience(2),
        ]
        for policy in policies {
            let fresh = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
            let predictions = try fresh.classify(sequences, policy: policy)
            let replayed = traces.map(policy.replay)
            XCTAssertEqual(predictions.map(\.label), replayed.map(\.label), "\(policy)")
            XCTAssertEqual(predictions.map(\.exitLayer), replayed.map(\.exitLayer), "\(policy)")
            for layer in 0..<4 {
                let evaluated = replayed.filter { $0.exitLayer > layer && policy.evaluates(layer: layer, numLayers: 4) }.count
                XCTAssertEqual(fresh.counters.classifierSequences[layer], evaluated, "\(policy) layer \(layer + 1)")
            }
            XCTAssertEqual(replayed.map(\.classifiers),
                           replayed.map { policy.classifiersEvaluated(exitLayer: $0.exitLayer, numLayers: 4) }, "\(policy)")
        }
    }

    func testALayerWithThresholdZeroIsNeitherEvaluatedNorLeftAt() throws {
        let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 1)
        let predictions = try engine.classify(sequences, policy: ExitPolicy(criterion: .entropy, thresholds: [0, 1, 0]))
        XCTAssertEqual(engine.counters.classifierSequences, [0, 60, 0, 0])
        XCTAssertTrue(predictions.allSatisfy { $0.exitLayer == 2 })
    }

    func testPatienceLeavesOnlyAfterUnchangedPredictions() {
        let trace = LayerTrace(length: 5, labels: [1, 2, 2, 2, 0, 0], entropy: .init(repeating: 0.5, count: 6),
                               topGap: .init(repeating: 0.5, count: 6))
        XCTAssertEqual(ExitPolicy.patience(1).replay(trace), TracedExit(label: 2, exitLayer: 3, classifiers: 3))
        XCTAssertEqual(ExitPolicy.patience(2).replay(trace), TracedExit(label: 2, exitLayer: 4, classifiers: 4))
        XCTAssertEqual(ExitPolicy.patience(3).replay(trace), TracedExit(label: 0, exitLayer: 6, classifiers: 6))
    }

    func testPolicyRoundTripsThroughJSON() throws {
        let policy = ExitPolicy(criterion: .maxProbability, thresholds: [0, 0.25, 0.5])
        let json = try JSONEncoder().encode(policy)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains("\"max_probability\""))
        XCTAssertEqual(try JSONDecoder().decode(ExitPolicy.self, from: json), policy)
    }
}
