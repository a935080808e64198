import Foundation
import XCTest

/// `distill` leaves out the rows `train` held out into the teacher folder (validation.tsv), so
/// `calibrate` on them scores students that never saw them, and copies the file to its output.
final class DistillCalibrationRowsTests: XCTestCase {
    /// A copy of the trained test teacher with `validation` as its validation.tsv, and a data file of `texts`.
    func teacher(validation: [String], texts: [String]) throws -> (teacher: String, data: String) {
        let dir = NSTemporaryDirectory() + "fastbert-distill-rows-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: DistillFromTopicTests.teacher, toPath: dir)
        let rows = validation.enumerated().map { "\($1)\t\($0 % 2 == 0 ? "negative" : "positive")" }
        try (["text\tlabel"] + rows).joined(separator: "\n").appending("\n").write(toFile: dir + "/validation.tsv", atomically: true, encoding: .utf8)
        let data = dir + "/texts.tsv"
        try (["text"] + texts).joined(separator: "\n").appending("\n").write(toFile: data, atomically: true, encoding: .utf8)
        return (dir, data)
    }

    func distill(_ teacher: String, data: String, out: String) async throws -> (status: Int32?, output: String) {
        let child = try ChildProcess(["distill", "--model", teacher, "--data", data, "--epochs", "1", "--out", out])
        let status = await child.wait(timeout: .seconds(120))
        return (status, child.stdout + child.stderr)
    }

    func testValidationRowsAreLeftOutAndCopiedToTheOutput() async throws {
        let texts = (0..<30).map(TestModel.sentence)
        let (teacher, data) = try teacher(validation: Array(texts[10..<15]), texts: texts)
        let out = teacher + "-out"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: out) }
        let run = try await distill(teacher, data: data, out: out)
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("distill: 5 texts left out: they are in \(teacher)/validation.tsv, kept for calibrate"), run.output)
        XCTAssertTrue(run.output.contains("distill: 22 texts (3 held out)"), run.output)
        XCTAssertEqual(try String(contentsOfFile: out + "/validation.tsv", encoding: .utf8),
                       try String(contentsOfFile: teacher + "/validation.tsv", encoding: .utf8))
    }

    func testNothingLeftToDistillOnIsAnError() async throws {
        let texts = (0..<6).map(TestModel.sentence)
        let (teacher, data) = try teacher(validation: texts, texts: texts)
        let run = try await distill(teacher, data: data, out: teacher + "-out")
        XCTAssertEqual(run.status, 1, run.output)
        XCTAssertTrue(run.output.contains("need at least 2 texts to distill on, got 0"), run.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: teacher + "-out/model.safetensors"))
    }
}
