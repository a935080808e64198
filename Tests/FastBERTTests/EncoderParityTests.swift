import Foundation
import XCTest

@testable import FastBERT

/// The encoder and classifiers against scripts/reference_forward.py (NumPy, float64, padded
/// batch with an attention mask), so packing, masking and every op are checked independently.
final class EncoderParityTests: XCTestCase {
    /// A lone sequence on 2 threads takes the split path (`encoderLayerForwardSplit`: products
    /// shared by heads and by output columns), checked against the reference on its own.
    func testLoneSequenceSplitAcrossThreadsMatchesReference() throws {
        let model = Fixtures.tinyModel()
        let dir = Fixtures.temporaryDirectory()
        try ModelDirectory.save(model, to: dir)
        let sequence = Fixtures.randomSequences(count: 1, vocab: 100, lengths: 37...37, seed: 5)
        let reference = try Fixtures.referenceForward(modelDirectory: dir, sequences: sequence)
        let states = try Encoder(model: model, threads: 2).allHiddenStates(PackedBatch(sequence))
        for (layer, state) in states.enumerated() {
            let expected = try reference.tensor("hidden.\(layer)")
            XCTAssertEqual(expected.shape, state.shape)
            XCTAssertLessThan(Fixtures.maxAbsDifference(state.data, expected.data), 1e-4, "layer \(layer)")
        }
    }

    func testTinyModelMatchesReferenceIncludingHeads() throws {
        let model = Fixtures.tinyModel()
        let dir = Fixtures.temporaryDirectory()
        try ModelDirectory.save(model, to: dir)
        let sequences = Fixtures.randomSequences(count: 6, vocab: 100, lengths: 2...40, seed: 3)
        let reference = try Fixtures.referenceForward(modelDirectory: dir, sequences: sequences)
        let states = try Encoder(model: model, threads: 2).allHiddenStates(PackedBatch(sequences))
        for (layer, state) in states.enumerated() {
            let expected = try reference.tensor("hidden.\(layer)")
            XCTAssertEqual(expected.shape, state.shape)
            XCTAssertLessThan(Fixtures.maxAbsDifference(state.data, expected.data), 1e-4, "layer \(layer)")
        }
        // Full depth (speed 0) gives the teacher's probabilities.
        let engine = try EarlyExitEngine(model: model, threads: 2)
        let predictions = try engine.classify(sequences, speed: 0)
        let teacherLogits = try reference.tensor("logits.\(model.config.numLayers)")
        for (i, prediction) in predictions.enumerated() {
            var row = Array(teacherLogits.data[(i * 3)..<(i * 3 + 3)])
            row.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress!, count: 3) }
            XCTAssertLessThan(Fixtures.maxAbsDifference(prediction.probabilities, row), 1e-5)
            XCTAssertEqual(prediction.exitLayer, model.config.numLayers)
        }
        // Each student too, through the early-exit path at speed 1 for layer 1.
        let atOne = try engine.classify(sequences, speed: 1)
        let studentLogits = try reference.tensor("logits.1")
        for (i, prediction) in atOne.enumerated() {
            var row = Array(studentLogits.data[(i * 3)..<(i * 3 + 3)])
            row.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress!, count: 3) }
            XCTAssertLessThan(Fixtures.maxAbsDifference(prediction.probabilities, row), 1e-5)
        }
    }

    /// Per-layer hidden states of the real all-MiniLM-L6-v2 within 1e-4 of the reference.
    func testMiniLMMatchesReferencePerLayer() throws {
        let directory = Fixtures.miniLMDirectory
        guard FileManager.default.fileExists(atPath: directory + "/model.safetensors") else {
            return XCTFail("real model missing at \(directory): run scripts/fetch-model")
        }
        let model = try ModelDirectory.load(directory)
        XCTAssertEqual(model.parameterCount, 22_565_376)  // 22.7M minus the pooler, which FastBERT does not use
        var sequences = Fixtures.randomSequences(count: 7, vocab: 30522, lengths: 3...64, seed: 11)
        sequences.append([101, 1037, 2204, 3185, 2003, 2307, 999, 102])
        let reference = try Fixtures.referenceForward(modelDirectory: directory, sequences: sequences)
        let states = try Encoder(model: model, threads: 2).allHiddenStates(PackedBatch(sequences))
        XCTAssertEqual(states.count, 7)
        for (layer, state) in states.enumerated() {
            let difference = Fixtures.maxAbsDifference(state.data, try reference.tensor("hidden.\(layer)").data)
            print("MiniLM parity: layer \(layer) max |swift - reference| = \(difference)")
            XCTAssertLessThan(difference, 1e-4, "layer \(layer)")
        }
    }
}
