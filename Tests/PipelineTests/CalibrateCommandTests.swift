import Foundation
import XCTest

/// `fastbert calibrate` and `--exit calibrated` as a user runs them: the built binary, a model
/// folder, a labelled file.
final class CalibrateCommandTests: XCTestCase {
    func run(_ arguments: [String]) async throws -> (status: Int32?, stdout: String, stderr: String) {
        let child = try ChildProcess(arguments)
        let status = await child.wait(timeout: .seconds(60))
        return (status, child.stdout, child.stderr)
    }

    /// A copy of the test model with a labelled file of its own predictions at full depth.
    func modelAndData() throws -> (model: String, data: String) {
        let folder = NSTemporaryDirectory() + "fastbert-calibrate-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: TestModel.directory, toPath: folder)
        let texts = (0..<120).map(TestModel.sentence)
        let labels = try TestModel.directLabels(texts, speed: 0)
        let data = folder + "/dev.tsv"
        try (["sentence\tlabel"] + zip(texts, labels).map { "\($0)\t\($1)" }).joined(separator: "\n")
            .appending("\n").write(toFile: data, atomically: true, encoding: .utf8)
        return (folder, data)
    }

    func testCalibrateWritesThePolicyThatClassifyAndEvalThenUse() async throws {
        let (model, data) = try modelAndData()
        let calibrate = try await run(["calibrate", "--model", model, "--data", data, "--max-drop", "0.5", "--repeats", "1"])
        XCTAssertEqual(calibrate.status, 0, calibrate.stderr)
        XCTAssertTrue(calibrate.stdout.contains("calibrate: full depth 100.00% on 120 examples"), calibrate.stdout)
        XCTAssertTrue(calibrate.stdout.contains("written to \(model)/exit-policy.json"), calibrate.stdout)
        let policy = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model + "/exit-policy.json")))
            as? [String: Any]
        XCTAssertEqual(policy?["examples"] as? Int, 120)
        XCTAssertNotNil(policy?["pays_off"] as? Bool)
        XCTAssertNotNil((policy?["policy"] as? [String: Any])?["criterion"] as? String)

        let classify = try await run(["classify", "--model", model, "--exit", "calibrated", "good film", "bad story"])
        XCTAssertEqual(classify.status, 0, classify.stderr)
        XCTAssertEqual(classify.stdout.split(separator: "\n").count, 2)
        let eval = try await run(["eval", "--model", model, "--data", data, "--speeds", "0.5", "--exit", "calibrated"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        XCTAssertTrue(eval.stdout.contains("calibrated"), eval.stdout)
    }

    /// Calibrated from the data's folder with `--data dev.tsv`: the policy names the file by its
    /// full path, which still finds it from anywhere else.
    func testThePolicyNamesItsDataByItsFullPath() async throws {
        let (model, data) = try modelAndData()
        let child = try ChildProcess(["calibrate", "--model", model, "--data", "dev.tsv", "--max-drop", "0.5", "--repeats", "1"],
                                     directory: model)
        let status = await child.wait(timeout: .seconds(60))
        XCTAssertEqual(status, 0, child.stderr)
        let policy = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model + "/exit-policy.json")))
            as? [String: Any]
        let recorded = try XCTUnwrap(policy?["data"] as? String)
        XCTAssertTrue(recorded.hasPrefix("/"), recorded)
        XCTAssertEqual(URL(fileURLWithPath: recorded).resolvingSymlinksInPath().path,
                       URL(fileURLWithPath: data).resolvingSymlinksInPath().path)
    }

    func testExitCalibratedWithoutAPolicyFileNamesTheFix() async throws {
        let (model, _) = try modelAndData()
        for arguments in [["classify", "--model", model, "--exit", "calibrated", "good film"],
                          ["demo", "--model", model, "--exit", "calibrated", "--messages", "10"]] {
            let result = try await run(arguments)
            XCTAssertNotEqual(result.status, 0, arguments[0])
            XCTAssertTrue(result.stderr.contains("has no exit-policy.json; run `fastbert calibrate"), result.stderr)
        }
    }

    func testTheDemoStreamsWithTheCalibratedExits() async throws {
        let (model, data) = try modelAndData()
        let calibrate = try await run(["calibrate", "--model", model, "--data", data, "--max-drop", "0.5", "--repeats", "1"])
        XCTAssertEqual(calibrate.status, 0, calibrate.stderr)
        let demo = try await run(["demo", "--model", model, "--exit", "calibrated", "--messages", "40", "--bad-every", "0"])
        XCTAssertEqual(demo.status, 0, demo.stderr)
        XCTAssertTrue(demo.stdout.contains("streaming 40 messages with the model's calibrated exits"), demo.stdout)
        XCTAssertTrue(demo.stdout.contains("messages answered: 40/40"), demo.stdout)
    }

    /// A model whose calibration found nothing that pays: serve says so at startup (here before it
    /// fails to reach the broker), and refuses to move a calibrated policy with adaptive speed.
    func testServeLogsAtStartupWhenEarlyExitDoesNotPay() async throws {
        let (model, data) = try modelAndData()
        let calibrate = try await run(["calibrate", "--model", model, "--data", data, "--max-drop", "0", "--repeats", "1"])
        XCTAssertEqual(calibrate.status, 0, calibrate.stderr)
        let serveArguments = ["serve", "--brokers", "127.0.0.1:1", "--input-topic", "in", "--output-topic", "out", "--model", model]
        let policy = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model + "/exit-policy.json")))
            as? [String: Any]
        if policy?["pays_off"] as? Bool == true {
            // Zero budget on a model labelled by its own full depth can still pay; force the verdict.
            var forced = try XCTUnwrap(policy)
            forced["pays_off"] = false
            try JSONSerialization.data(withJSONObject: forced).write(to: URL(fileURLWithPath: model + "/exit-policy.json"))
        }
        let serve = try await run(serveArguments + ["--speed", "0.3"])
        XCTAssertNotEqual(serve.status, 0, "no broker at 127.0.0.1:1")
        XCTAssertTrue(serve.stderr.contains("early exit does not pay for this model: no exit policy within"), serve.stderr)
        let fullDepth = try await run(serveArguments + ["--speed", "0"])
        XCTAssertFalse(fullDepth.stderr.contains("does not pay"), "at full depth there is nothing to warn about")

        let mixed = try await run(serveArguments + ["--exit", "calibrated", "--adaptive-max-speed", "0.5"])
        XCTAssertNotEqual(mixed.status, 0)
        XCTAssertTrue(mixed.stderr.contains("cannot be combined with --exit calibrated"), mixed.stderr)
    }
}
