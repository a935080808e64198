import Foundation
import MallocInterposerSwift
import XCTest

@testable import FastBERT

/// A warm engine allocates nothing but the predictions it returns, whatever the batch, its
/// lengths and the exits. Counted by the malloc interposer, which sees every allocation in the
/// process between hook() and unhook(), on every thread. Threads that earlier tests leave behind
/// (Kafka clients, event loops) allocate at any time, so each test measures in a fresh copy of
/// this test binary that runs only that test.
final class EngineAllocationTests: XCTestCase {
    let short = PackedBatch(Fixtures.randomSequences(count: 16, vocab: 100, lengths: 4...20, seed: 3))
    let long = PackedBatch(Fixtures.randomSequences(count: 40, vocab: 100, lengths: 21...40, seed: 4))

    private static let childVariable = "FASTBERT_ALLOCATION_CHILD"

    /// Runs `body` in a child process that runs only the calling test; in the parent, fails
    /// with the child's output unless it passed.
    private func inFreshProcess(_ test: String = #function, _ body: () throws -> Void) throws {
        if ProcessInfo.processInfo.environment[Self.childVariable] != nil { return try body() }
        let name = test.hasSuffix("()") ? String(test.dropLast(2)) : test
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["FastBERTTests.EngineAllocationTests/\(name)"]
        child.environment = ProcessInfo.processInfo.environment.merging([Self.childVariable: "1"]) { _, new in new }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = output
        try child.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        XCTAssertEqual(child.terminationStatus, 0, "the measuring child failed:\n\(printed)")
        XCTAssertTrue(printed.contains("Executed 1 test"), "the child did not run \(name):\n\(printed)")
    }

    /// Allocations made while `body` runs.
    private func allocations(_ body: () throws -> Void) rethrows -> Int {
        MallocInterposerSwift.initialize()
        MallocInterposerSwift.hook()
        try body()
        MallocInterposerSwift.unhook()
        return MallocInterposerSwift.getStatistics().mallocCount
    }

    /// Policies that exit samples at different layers, at full depth and by patience.
    private func policies(_ engine: EarlyExitEngine) throws -> [ExitPolicy] {
        let traces = try engine.trace(short)
        let median = (0..<3).map { layer in traces.map { $0.entropy[layer] }.sorted()[traces.count / 2] }
        return [ExitPolicy(criterion: .entropy, thresholds: median), .fullDepth(layers: 4), .patience(1)]
    }

    func testTheCounterSeesAnAllocation() throws {
        try inFreshProcess {
            let count = allocations {
                let p = UnsafeMutablePointer<Int>.allocate(capacity: 100)
                p.deallocate()
            }
            XCTAssertEqual(count, 1)
        }
    }

    func testOneThreadAllocatesOnlyThePredictions() throws {
        try inFreshProcess {
            let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 1)
            let policies = try policies(engine)
            for policy in policies { _ = try engine.classify(long, policy: policy) }  // warm: the larger batch first
            let hidden = Buffer()
            try engine.encoder.forward(long, into: hidden)

            for batch in [short, long] {
                for policy in policies {
                    var predictions: [Prediction] = []
                    let count = try allocations { predictions = try engine.classify(batch, policy: policy) }
                    // One array of predictions, and each prediction's probabilities.
                    XCTAssertEqual(count, batch.count + 1, "\(batch.count) sequences, \(policy.criterion)")
                    if policy == policies[0] { XCTAssertGreaterThan(Set(predictions.map(\.exitLayer)).count, 2) }
                }
                XCTAssertEqual(try allocations { try engine.encoder.forward(batch, into: hidden) }, 0)
            }
        }
    }

    /// With two threads each join goes through libdispatch, which may take a continuation from
    /// the heap, and the shared closure is boxed: a few allocations per layer, none per sequence or
    /// token. libdispatch also starts and retires its worker threads as it likes, which allocates
    /// now and then, so the bound is on the least of five runs.
    func testTwoThreadsAllocateAFewTimesPerLayerAndNotPerSequence() throws {
        try inFreshProcess {
            let engine = try EarlyExitEngine(model: Fixtures.tinyModel(), threads: 2)
            let policies = try policies(engine)
            for policy in policies { _ = try engine.classify(long, policy: policy) }
            for batch in [short, long] {
                for policy in policies {
                    let counts = try (0..<5).map { _ in try allocations { _ = try engine.classify(batch, policy: policy) } }
                    XCTAssertGreaterThanOrEqual(counts.min()!, batch.count + 1)
                    // At most two parallel sections (encoder, classifier) per layer, two allocations each.
                    XCTAssertLessThanOrEqual(counts.min()! - (batch.count + 1), 4 * engine.numLayers,
                                             "\(batch.count) sequences, \(policy.criterion): \(counts)")
                }
            }
        }
    }
}
