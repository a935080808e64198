import Foundation
import XCTest

@testable import FastBERT

/// Broken or hostile model files and configs are refused at load with a ModelFileError that names
/// the file and the field, never a trap. One test per kind.
final class HostileModelFileTests: XCTestCase {
    /// A .safetensors file with `header` as its JSON header (length `declaredLength` if given) and
    /// `dataBytes` zero bytes of data.
    private func rawFile(header: String, dataBytes: Int = 0, declaredLength: UInt64? = nil) throws -> String {
        var data = Data()
        var length = (declaredLength ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8) + [UInt8](repeating: 0, count: dataBytes))
        let path = Fixtures.temporaryDirectory() + "/model.safetensors"
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    private func assertRefused(
        _ path: String, _ expected: (ModelFileError) -> Bool, mentions words: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try SafeTensorsFile(path: path), file: file, line: line) { error in
            guard let error = error as? ModelFileError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertTrue(expected(error), "\(error)", file: file, line: line)
            for word in [path] + words {
                XCTAssertTrue(error.description.contains(word), "'\(word)' not in: \(error)", file: file, line: line)
            }
        }
    }

    /// A saved tiny model folder.
    private func savedModel(_ model: FastBERTModel = Fixtures.tinyModel()) throws -> String {
        let dir = Fixtures.temporaryDirectory()
        try ModelDirectory.save(model, to: dir)
        return dir
    }

    // MARK: safetensors headers

    /// [2^32, 2^32] used to trap in the byte-count multiply (SIGILL) before the overflow check ran.
    func testOverflowingShapeIsRefused() throws {
        let path = try rawFile(header: #"{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#, dataBytes: 16)
        assertRefused(path, { if case .badTensorEntry(_, "x", "shape", _) = $0 { true } else { false } },
                      mentions: ["'x'", "shape", "overflows"])
        for shape in ["[-1, 4]", "[2.5]", "[1e30]", #"["4"]"#, "4"] {
            let bad = try rawFile(header: #"{"x":{"dtype":"F32","shape":\#(shape),"data_offsets":[0,16]}}"#, dataBytes: 16)
            assertRefused(bad, { if case .badTensorEntry(_, "x", "shape", _) = $0 { true } else { false } }, mentions: ["shape"])
        }
    }

    func testHeaderLengthPastTheEndOfTheFileIsRefused() throws {
        let header = #"{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
        let path = try rawFile(header: header, dataBytes: 16, declaredLength: 1000)
        assertRefused(path, { if case .truncated = $0 { true } else { false } }, mentions: ["header needs 1000 bytes"])
        // A length above Int.max used to trap converting to Int.
        let huge = try rawFile(header: header, dataBytes: 16, declaredLength: .max)
        assertRefused(huge, { if case .badHeader = $0 { true } else { false } }, mentions: ["header length 18446744073709551615"])
    }

    func testDataOffsetsPastTheEndOfTheFileAreRefused() throws {
        let path = try rawFile(header: #"{"x":{"dtype":"F32","shape":[100],"data_offsets":[0,400]}}"#, dataBytes: 16)
        assertRefused(path, { if case .truncated = $0 { true } else { false } }, mentions: ["tensor 'x' ends at byte 400"])
        let far = try rawFile(header: #"{"x":{"dtype":"F32","shape":[4],"data_offsets":[9223372036854775800,9223372036854775807]}}"#)
        assertRefused(far, { if case .truncated = $0 { true } else { false } }, mentions: ["'x'"])
        for offsets in ["[8, 4]", "[-4, 12]", "[0]", "[0, 16.5]"] {
            let bad = try rawFile(header: #"{"x":{"dtype":"F32","shape":[4],"data_offsets":\#(offsets)}}"#, dataBytes: 16)
            assertRefused(bad, { if case .badTensorEntry(_, "x", "data_offsets", _) = $0 { true } else { false } },
                          mentions: ["data_offsets"])
        }
        let short = try rawFile(header: #"{"x":{"dtype":"F32","shape":[5],"data_offsets":[0,16]}}"#, dataBytes: 16)
        assertRefused(short, { if case .badTensorEntry(_, "x", "data_offsets", _) = $0 { true } else { false } },
                      mentions: ["needs 20"])
    }

    func testOverlappingTensorsAreRefused() throws {
        let header = #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]},"#
            + #""c":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#
        let path = try rawFile(header: header, dataBytes: 24)
        assertRefused(path, { $0 == .overlappingTensors(file: path, first: "a", second: "b") }, mentions: ["'a'", "'b'", "overlap"])
        // Adjacent tensors and an empty one inside another's bytes are fine.
        let adjacent = try rawFile(
            header: header.replacingOccurrences(of: "[8,24]", with: "[16,32]"), dataBytes: 32)
        XCTAssertEqual(try SafeTensorsFile(path: adjacent).tensorNames, ["a", "b", "c"])
    }

    /// Refused when the file is opened, before any tensor is read or memory set aside for it.
    func testUnknownDTypeIsRefusedAtOpen() throws {
        let path = try rawFile(header: #"{"x":{"dtype":"Q7","shape":[4],"data_offsets":[0,16]}}"#, dataBytes: 16)
        assertRefused(path, { $0 == .unknownDType(file: path, tensor: "x", dtype: "Q7") }, mentions: ["'x'", "Q7"])
        // A dtype the format knows but the model cannot use is refused when read, before allocating.
        let ints = try rawFile(header: #"{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}"#, dataBytes: 16)
        XCTAssertThrowsError(try SafeTensorsFile(path: ints).tensor("ids")) {
            XCTAssertEqual($0 as? ModelFileError, .unknownDType(file: ints, tensor: "ids", dtype: "I64"))
        }
    }

    func testHeaderThatIsNotJSONOrAbsurdlyLongIsRefused() throws {
        for header in ["not json", "[1, 2]", String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)] {
            let path = try rawFile(header: header)
            assertRefused(path, { if case .badHeader = $0 { true } else { false } }, mentions: ["not a JSON object"])
        }
        let long = try rawFile(header: "{}", declaredLength: 200_000_000)
        assertRefused(long, { if case .badHeader = $0 { true } else { false } }, mentions: ["implausible", "100000000"])
        let entry = try rawFile(header: #"{"x":[1,2]}"#)
        assertRefused(entry, { if case .badTensorEntry(_, "x", "entry", _) = $0 { true } else { false } }, mentions: ["'x'"])
    }

    // MARK: weights

    func testNaNAndInfinityWeightsAreRefusedWithTheTensorName() throws {
        var model = Fixtures.tinyModel()
        model.backbone.layers[1].key.weight.data[37] = .nan
        let dir = try savedModel(model)
        XCTAssertThrowsError(try ModelDirectory.load(dir)) { error in
            guard case .nonFinite(let file, let tensor, let index, let value) = error as? ModelFileError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, dir + "/model.safetensors")
            XCTAssertEqual(tensor, "encoder.layer.1.attention.self.key.weight")
            XCTAssertEqual(index, 37)
            XCTAssertTrue(value.isNaN)
            XCTAssertTrue("\(error)".contains("'encoder.layer.1.attention.self.key.weight' holds nan at element 37"), "\(error)")
        }
        // 70000 does not fit in F16: written as +inf, refused when read back.
        model = Fixtures.tinyModel()
        model.classifiers[2].logits.bias.data[2] = 70_000
        let half = Fixtures.temporaryDirectory()
        try ModelDirectory.save(model, to: half, dtype: .f16)
        XCTAssertThrowsError(try ModelDirectory.load(half)) {
            XCTAssertEqual($0 as? ModelFileError, .nonFinite(file: half + "/model.safetensors",
                                                              tensor: "fastbert.classifiers.2.dense_logits.bias", index: 2, value: .infinity))
        }
    }

    func testFiniteScanFindsEveryPosition() {
        for count in [0, 1, 7, 8, 9, 64, 1001] {
            let clean = (0..<count).map { Float($0) - 500 }
            XCTAssertNil(clean.withUnsafeBufferPointer(firstNonFinite), "\(count)")
            for position in Set([0, count / 2, count - 1]) where position >= 0 && position < count {
                for bad in [Float.nan, .infinity, -.infinity, -Float.nan] {
                    var values = clean
                    values[position] = bad
                    if position + 1 < count { values[count - 1] = .infinity }
                    XCTAssertEqual(values.withUnsafeBufferPointer(firstNonFinite), position, "\(bad) at \(position) of \(count)")
                }
            }
        }
        XCTAssertNil([Float.greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]
            .withUnsafeBufferPointer(firstNonFinite))
    }

    // MARK: config.json

    /// Rewrites one key of a saved model's config.json (a nested key as "fastbert.classifier_heads").
    private func loadWithConfigValue(_ key: String, _ value: Any) throws -> (String, Error?) {
        let dir = try savedModel()
        let path = dir + "/config.json"
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let parts = key.split(separator: ".").map(String.init)
        if parts.count == 2 {
            var section = try XCTUnwrap(json[parts[0]] as? [String: Any])
            section[parts[1]] = value
            json[parts[0]] = section
        } else {
            json[key] = value
        }
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ModelDirectory.load(dir)
            return (path, nil)
        } catch { return (path, error) }
    }

    private func assertFieldRefused(_ key: String, _ value: Any, field: String? = nil, mentions: String,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let (path, error) = try loadWithConfigValue(key, value)
        guard case .invalidField(let errorFile, let errorField, _)? = error as? ModelFileError else {
            return XCTFail("\(key) = \(value): \(String(describing: error))", file: file, line: line)
        }
        XCTAssertEqual(errorFile, path, file: file, line: line)
        XCTAssertEqual(errorField, field ?? key, file: file, line: line)
        let text = "\(error!)"
        for word in [path, "'\(field ?? key)'", mentions] {
            XCTAssertTrue(text.contains(word), "'\(word)' not in: \(text)", file: file, line: line)
        }
    }

    func testZeroOrAbsurdSizesAreRefused() throws {
        try assertFieldRefused("num_hidden_layers", 0, mentions: "is 0, must be in 1...1000")
        try assertFieldRefused("num_hidden_layers", 1001, mentions: "is 1001")
        try assertFieldRefused("vocab_size", 0, mentions: "is 0")
        try assertFieldRefused("vocab_size", 1e30, mentions: "not an integer")
        try assertFieldRefused("hidden_size", 0, mentions: "is 0")
        try assertFieldRefused("intermediate_size", 0, mentions: "is 0")
        try assertFieldRefused("max_position_embeddings", 0, mentions: "is 0")
        try assertFieldRefused("max_position_embeddings", 1 << 40, mentions: "must be in 2...")
        try assertFieldRefused("num_hidden_layers", "4", mentions: "not an integer")
        try assertFieldRefused("num_hidden_layers", 2.5, mentions: "not an integer")
        try assertFieldRefused("layer_norm_eps", -1, mentions: "must be in (0, 1)")
    }

    /// type_vocab_size 0 used to pass and make the embedding read past an empty table.
    func testTypeVocabZeroIsRefused() throws {
        try assertFieldRefused("type_vocab_size", 0, mentions: "is 0, must be in 1...")
    }

    func testHeadsNotDividingHiddenAreRefused() throws {
        try assertFieldRefused("num_attention_heads", 5, mentions: "does not divide hidden_size 32")
        try assertFieldRefused("num_attention_heads", 0, mentions: "is 0")
        try assertFieldRefused("num_attention_heads", 64, mentions: "is 64, must be in 1...32")
    }

    func testInvalidClassifierWidthOrHeadsAreRefused() throws {
        try assertFieldRefused("fastbert.classifier_hidden", 0, mentions: "is 0")
        try assertFieldRefused("fastbert.classifier_hidden", 1 << 20, mentions: "must be in 1...65536")
        try assertFieldRefused("fastbert.classifier_heads", 0, mentions: "is 0")
        try assertFieldRefused("fastbert.classifier_heads", 3, mentions: "does not divide classifier_hidden 16")
    }

    func testID2LabelThatIsNotAListIsRefused() throws {
        try assertFieldRefused("id2label", ["0": "a", "2": "c", "3": "d"], mentions: "must map each of 0..<3")
        try assertFieldRefused("id2label", ["0": "a", "00": "b", "2": "c"], mentions: "must map each of 0..<3")
    }

    func testAbsurdlyLargeConfigIsRefusedUnread() throws {
        let dir = try savedModel()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/config.json"))
        try handle.truncate(atOffset: 1 << 30)  // sparse: nothing is written
        try handle.close()
        XCTAssertThrowsError(try ModelDirectory.load(dir)) {
            XCTAssertEqual($0 as? ModelFileError,
                           .badConfig(file: dir + "/config.json", detail: "file is 1073741824 bytes; a config.json is at most 16777216"))
        }
    }

    /// The fuzz input Tests/Fuzz/corpus/model/leak-empty-config (LeakSanitizer in the reader).
    func testEmptyConfigIsRefused() throws {
        let dir = try savedModel()
        XCTAssertTrue(FileManager.default.createFile(atPath: dir + "/config.json", contents: Data()))
        XCTAssertThrowsError(try ModelDirectory.load(dir)) {
            XCTAssertEqual($0 as? ModelFileError, .badConfig(file: dir + "/config.json", detail: "empty file"))
        }
    }

    // MARK: labels against heads

    func testLabelCountNotMatchingTheLogitsInModelFileIsRefused() throws {
        let dir = try savedModel()  // 3 labels, logits [3, 16]
        try setID2Label(dir,  ["0": "a", "1": "b"])
        XCTAssertThrowsError(try ModelDirectory.load(dir)) { error in
            XCTAssertEqual(error as? ModelFileError, .labelCountMismatch(
                file: dir + "/model.safetensors", tensor: "fastbert.classifiers.0.dense_logits.weight", rows: 3,
                labelsField: dir + "/config.json id2label", labels: 2))
            XCTAssertTrue("\(error)".hasSuffix("has 3 rows, one per label, but \(dir)/config.json id2label lists 2 labels"), "\(error)")
        }
    }

    private func setID2Label(_ dir: String, _ id2label: [String: String]) throws {
        let path = dir + "/config.json"
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        json["id2label"] = id2label
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    }

    func testLabelCountNotMatchingTheLogitsInHeadsFileIsRefused() throws {
        let model = Fixtures.tinyModel()
        var backbone = model
        backbone.classifiers = []
        backbone.config.fastbert.labels = []
        let dir = try savedModel(backbone)
        var relabelled = model
        relabelled.config.fastbert.labels = ["a", "b", "c", "d"]
        let heads = dir + "/heads.safetensors"
        try ModelHeads.save(relabelled, to: heads)
        XCTAssertThrowsError(try ModelHeads.load(backboneDirectory: dir, headsFile: heads)) {
            XCTAssertEqual($0 as? ModelFileError, .labelCountMismatch(
                file: heads, tensor: "fastbert.classifiers.0.dense_logits.weight", rows: 3,
                labelsField: heads + " metadata fastbert_config.labels", labels: 4))
        }
        relabelled.config.fastbert.labels = ["only"]
        try ModelHeads.save(relabelled, to: heads)
        XCTAssertThrowsError(try ModelHeads.load(backboneDirectory: dir, headsFile: heads)) {
            XCTAssertEqual($0 as? ModelFileError, .invalidField(
                file: heads, field: "fastbert_config.labels", reason: "lists 1 labels; a classifier needs at least 2"))
        }
    }
}
