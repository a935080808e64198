import XCTest

@testable import FastBERT
@testable import Jobs

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

    func testTSVSplitsLinesAtLFAndCRLFOnly() {
        XCTAssertEqual(DelimitedText.parseTSV("a\tb\r\nc\u{2028}d\te\n\nf\tg"), [["a", "b"], ["c\u{2028}d", "e"], ["f", "g"]])
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
}
