import XCTest

/// `train` and `distill` refuse meaningless optimizer settings before loading anything.
final class TrainOptionsTests: XCTestCase {
    func run(_ arguments: [String]) async throws -> (status: Int32?, stderr: String) {
        let child = try ChildProcess(arguments)
        let status = await child.wait(timeout: .seconds(60))
        return (status, child.stderr)
    }

    func testANonPositiveRateOrBatchIsAUsageError() async throws {
        let cases: [([String], String)] = [
            (["train", "--lr", "0"], "--lr must be a positive number"),
            (["train", "--head-lr=-1"], "--head-lr must be a positive number"),
            (["distill", "--lr", "nan"], "--lr must be a positive number"),
            (["train", "--batch-size", "0"], "--batch-size must be positive"),
            (["train", "--warmup", "1.5"], "--warmup is a fraction in [0, 1]"),
        ]
        for (arguments, message) in cases {
            let result = try await run(arguments + ["--model", "absent", "--data", "absent.tsv", "--out", "absent-out"])
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
