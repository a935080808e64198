import XCTest

@testable import FastBERT

final class TrainingDataTests: XCTestCase {
    func write(_ text: String, _ name: String) -> String {
        let path = Fixtures.temporaryDirectory() + "/" + name
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testCSVQuotesCommasNewlinesAndDoubledQuotes() {
        let rows = DelimitedText.parseCSV("a,\"b, c\",\"say \"\"hi\"\"\"\r\n1,\"two\nlines\",3\n")
        XCTAssertEqual(rows, [["a", "b, c", "say \"hi\""], ["1", "two\nlines", "3"]])
    }

    func testTSVWithHeaderPicksNamedColumns() throws {
        let path = write("sentence\tlabel\ngood film \t1\nbad film\t0\n", "train.tsv")
        let data = try DatasetReader.read(path: path)
        XCTAssertEqual(data.texts, ["good film", "bad film"])
        XCTAssertEqual(data.labels, ["1", "0"])
        XCTAssertEqual(data.labelSet(), ["0", "1"])
    }

    func testHeaderlessCSVByIndex() throws {
        let path = write("\"3\",\"Title one\",\"First, description.\"\n\"1\",\"T2\",\"Second.\"\n", "test.csv")
        let data = try DatasetReader.read(path: path, textColumn: DataColumn("2"), labelColumn: DataColumn("0"))
        XCTAssertEqual(data.texts, ["First, description.", "Second."])
        XCTAssertEqual(data.labels, ["3", "1"])
        // Defaults without a header: label first column, text last column.
        XCTAssertEqual(try DatasetReader.read(path: path), data)
    }

    func testByteOrderMarkAndQuotedNewlinesAreStripped() throws {
        let path = write("\u{FEFF}\"1\",\"a fine film . \n\"\n\"-1\",\"dull\"\n", "pang.csv")
        let data = try DatasetReader.read(path: path)
        XCTAssertEqual(data.texts, ["a fine film .", "dull"])
        XCTAssertEqual(data.labelSet(), ["-1", "1"])
    }

    func testHeadsFileRoundTripsOntoTheBackbone() throws {
        var model = FastBERTModel.trainable(config: Fixtures.tinyConfig(), seed: 3, backboneStd: 0.5, headStd: 0.5)
        model.config.fastbert.teacherTrained = true
        model.config.fastbert.studentsDistilled = true
        model.config.fastbert.modelId = "tiny-heads"
        let directory = Fixtures.temporaryDirectory()
        var backboneOnly = model
        backboneOnly.classifiers = []
        backboneOnly.config.fastbert.labels = []
        try ModelDirectory.save(backboneOnly, to: directory)
        try ModelHeads.save(model, to: directory + "/heads.safetensors", dtype: .f32)
        let loaded = try ModelHeads.load(backboneDirectory: directory, headsFile: directory + "/heads.safetensors")
        XCTAssertEqual(loaded.config.fastbert, model.config.fastbert)
        XCTAssertEqual(loaded.classifiers, model.classifiers)
        XCTAssertEqual(loaded.backbone, model.backbone)
    }

    func testJSONLinesWithNamedKeysAndNumericLabels() throws {
        let path = write("{\"review\": \"great\", \"stars\": 5}\n{\"review\": \"poor\", \"stars\": 1}\n", "data.jsonl")
        let data = try DatasetReader.read(path: path, textColumn: .name("review"), labelColumn: .name("stars"))
        XCTAssertEqual(data.texts, ["great", "poor"])
        XCTAssertEqual(data.labels, ["5", "1"])
        XCTAssertEqual(try DatasetReader.read(path: path, textColumn: .name("review"), withLabels: false).labels, nil)
    }

    func testMissingColumnNamesTheHeader() {
        let path = write("text,category\nhello,a\n", "x.csv")
        XCTAssertThrowsError(try DatasetReader.read(path: path, labelColumn: .name("label"))) { error in
            XCTAssertTrue("\(error)".contains("text, category"), "\(error)")
        }
    }

    func testSampleIsSeededAndKeepsFileOrder() {
        let data = TextDataset(texts: (0..<100).map(String.init), labels: (0..<100).map { "\($0 % 2)" })
        let a = data.sample(10, seed: 1), b = data.sample(10, seed: 1)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.texts, a.texts.sorted { Int($0)! < Int($1)! })
        XCTAssertEqual(a.labels, a.texts.map { "\(Int($0)! % 2)" })
    }

    func testMacroF1() {
        // class 0: tp 1, fp 1, fn 0 -> 2/3; class 1: tp 1, fp 0, fn 1 -> 2/3
        XCTAssertEqual(Evaluation.macroF1([0, 0, 1], [0, 1, 1], classes: 2), 2.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(Evaluation.accuracy([0, 0, 1], [0, 1, 1]), 2.0 / 3, accuracy: 1e-9)
    }

    func testEvaluationReportsSpeedupsAgainstSpeedZeroAndRenders() throws {
        let model = Fixtures.tinyModel()
        let sequences = Fixtures.randomSequences(count: 30, vocab: 100, lengths: 3...20, seed: 8)
        let engine = try EarlyExitEngine(model: model, threads: 2)
        let targets = try engine.classify(sequences, speed: 0).map(\.label)
        let results = try Evaluation.evaluate(engine: engine, sequences: sequences, targets: targets, speeds: [0.5, 1],
                                              batchSize: 8)
        XCTAssertEqual(results.map(\.speed), [0, 0.5, 1])
        XCTAssertEqual(results[0].accuracy, 1)
        XCTAssertEqual(results[0].flopsSpeedup, 1)
        XCTAssertEqual(results[0].exitShare, [0, 0, 0, 1])
        XCTAssertEqual(results[2].exitShare[0], 1)
        XCTAssertEqual(results[2].meanExitLayer, 1)
        XCTAssertGreaterThan(results[2].flopsSpeedup, 2.5)
        let report = EvaluationReport(model: "m", modelId: "tiny", data: "d", examples: 30, meanTokens: 10, labels: ["a", "b", "c"],
                                      layers: 4, batchSize: 8, threads: 1, repeats: 1, results: results)
        XCTAssertTrue(report.svg().hasPrefix("<svg"))
        XCTAssertTrue(report.svg().hasSuffix("</svg>"))
        XCTAssertEqual(report.table().split(separator: "\n").count, 5)
    }
}
