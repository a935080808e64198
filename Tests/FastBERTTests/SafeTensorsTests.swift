import Foundation
import XCTest

@testable import FastBERT

final class SafeTensorsTests: XCTestCase {
    func testRoundTripAllDTypes() throws {
        let values: [Float] = [0, 1, -2.5, 3.140625, 65504, -1e-3, 0.5]
        let tensors = ["a": Tensor(shape: [7], data: values), "b.c": Tensor(shape: [1, 7], data: values.reversed())]
        for dtype in [SafeTensorsWriter.DType.f32, .f16, .bf16] {
            let path = Fixtures.temporaryDirectory() + "/t.safetensors"
            try SafeTensorsWriter.write(tensors, to: path, dtype: dtype)
            let file = try SafeTensorsFile(path: path)
            XCTAssertEqual(file.entries["a"]?.dtype, dtype.rawValue)
            let a = try file.tensor("a", shape: [7])
            let tolerance: Float = dtype == .f32 ? 0 : (dtype == .f16 ? 1e-3 : 1e-2)
            for (x, y) in zip(a.data, values) {
                XCTAssertEqual(x, y, accuracy: max(tolerance * abs(y), tolerance == 0 ? 0 : 1e-3), "\(dtype)")
            }
            XCTAssertEqual(try file.tensor("b.c").shape, [1, 7])
        }
    }

    func testModelRoundTripThroughFolder() throws {
        let model = Fixtures.tinyModel()
        let dir = Fixtures.temporaryDirectory()
        try ModelDirectory.save(model, to: dir)
        XCTAssertEqual(try ModelDirectory.load(dir), model)
    }

    func testBertPrefixedCheckpointLoads() throws {
        let model = Fixtures.tinyModel()
        let dir = Fixtures.temporaryDirectory()
        try ModelDirectory.save(model, to: dir)
        var renamed: [String: Tensor] = [:]
        for (name, tensor) in model.namedTensors() { renamed[name.hasPrefix("fastbert.") ? name : "bert." + name] = tensor }
        try SafeTensorsWriter.write(renamed, to: dir + "/model.safetensors")
        XCTAssertEqual(try ModelDirectory.load(dir), model)
    }

    func testTruncatedFileNamesTensor() throws {
        let dir = Fixtures.temporaryDirectory()
        try ModelDirectory.save(Fixtures.tinyModel(), to: dir)
        let path = dir + "/model.safetensors"
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 100).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ModelDirectory.load(dir)) { error in
            guard case ModelFileError.truncated(let file, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, path)
            XCTAssertTrue(detail.contains("tensor '"), detail)
        }
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ModelDirectory.load(dir)) { XCTAssertTrue("\($0)".contains("truncated")) }
    }

    func testMissingAndMisshapedTensor() throws {
        let model = Fixtures.tinyModel()
        let dir = Fixtures.temporaryDirectory()
        try ModelDirectory.save(model, to: dir)
        var tensors = model.namedTensors()
        tensors["encoder.layer.2.intermediate.dense.weight"] = nil
        try SafeTensorsWriter.write(tensors, to: dir + "/model.safetensors")
        XCTAssertThrowsError(try ModelDirectory.load(dir)) {
            XCTAssertEqual($0 as? ModelFileError,
                           .missingTensor(file: dir + "/model.safetensors", tensor: "encoder.layer.2.intermediate.dense.weight"))
        }
        tensors = model.namedTensors()
        tensors["encoder.layer.1.output.dense.weight"] = Tensor(zeros: [32, 63])
        try SafeTensorsWriter.write(tensors, to: dir + "/model.safetensors")
        XCTAssertThrowsError(try ModelDirectory.load(dir)) {
            XCTAssertEqual($0 as? ModelFileError, .wrongShape(file: dir + "/model.safetensors",
                           tensor: "encoder.layer.1.output.dense.weight", expected: [32, 64], found: [32, 63]))
        }
    }

    func testUnknownDTypeNamesTensor() throws {
        let header = #"{"x":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}"#
        var data = Data()
        var n = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8) + [0, 0, 0, 0])
        let path = Fixtures.temporaryDirectory() + "/x.safetensors"
        try data.write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafeTensorsFile(path: path).tensor("x")) {
            XCTAssertEqual($0 as? ModelFileError, .unknownDType(file: path, tensor: "x", dtype: "Q7"))
        }
    }

    func testBadConfigIsReported() throws {
        let dir = Fixtures.temporaryDirectory()
        try ModelDirectory.save(Fixtures.tinyModel(), to: dir)
        try #"{"hidden_size": 32}"#.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelDirectory.load(dir)) {
            XCTAssertEqual($0 as? ModelFileError, .badConfig(file: dir + "/config.json", detail: "missing integer 'vocab_size'"))
        }
        try "not json".write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelDirectory.load(dir)) { XCTAssertTrue("\($0)".contains("config.json")) }
    }

    func testHalfPrecisionConversions() {
        XCTAssertEqual(floatFromFloat16(0x3C00), 1)
        XCTAssertEqual(floatFromFloat16(0xC000), -2)
        XCTAssertEqual(floatFromFloat16(0x0001), Float(sign: .plus, exponent: -24, significand: 1))
        XCTAssertEqual(floatFromFloat16(0x7C00), .infinity)
        XCTAssertEqual(floatFromBFloat16(0x3F80), 1)
        XCTAssertEqual(floatFromBFloat16(bfloat16FromFloat(-3.5)), -3.5)
    }
}
