import Foundation
import XCTest

@testable import FastBERT

/// The tensor tables in ModelLayout: what they write, read, train and initialise.
final class WeightLayoutTests: XCTestCase {
    private func tinyConfig() -> BertConfig { Fixtures.tinyConfig(labels: ["a", "b", "c"], layers: 2) }

    /// FNV-1a 64 of a file's bytes.
    private func checksum(_ path: String) throws -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in try Data(contentsOf: URL(fileURLWithPath: path)) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// The checksums were taken from files written by the hand-written codec and random init
    /// before the tables (commit aec2572), for the same models: same names, order, header and values.
    func testFilesAreByteIdenticalToTheFormerCodec() throws {
        let model = FastBERTModel.random(config: tinyConfig(), seed: 7, std: 0.5)
        let dir = Fixtures.temporaryDirectory()
        try ModelDirectory.save(model, to: dir)
        try ModelHeads.save(model, to: dir + "/heads.safetensors")
        try ModelHeads.save(model.withNewClassifiers(labels: ["x", "y"], seed: 5), to: dir + "/fresh.safetensors", dtype: .f32)
        XCTAssertEqual(try checksum(dir + "/model.safetensors"), "9fddece5910073b3")
        XCTAssertEqual(try checksum(dir + "/heads.safetensors"), "8b4bf3a2718dacf2")
        XCTAssertEqual(try checksum(dir + "/fresh.safetensors"), "f2ad71ee8684bab9")
    }

    func testTensorNamesAndShapesOfATinyConfig() {
        let model = FastBERTModel.random(config: tinyConfig(), seed: 1)
        let written = model.namedTensors().map { "\($0.key) \($0.value.shape)" }.sorted()
        XCTAssertEqual(written, Self.tinyTensors)
        XCTAssertEqual(ModelLayout.specs(model.config, classifiers: true).map(\.description).sorted(), Self.tinyTensors)
        XCTAssertEqual(model.parameterCount, 26_342)
    }

    /// A field added to a weights struct but not to its table would stay unfilled: every Tensor
    /// reachable in the struct must be one of its slots.
    func testEveryTensorFieldIsInItsTable() {
        func tensorFields(_ value: Any) -> Int {
            if value is Tensor { return 1 }
            return Mirror(reflecting: value).children.reduce(0) { $0 + tensorFields($1.value) }
        }
        let model = FastBERTModel.random(config: tinyConfig(), seed: 1)
        XCTAssertEqual(tensorFields(model.backbone.embeddings), EmbeddingWeights.slots.count)
        XCTAssertEqual(tensorFields(model.backbone.layers[0]), EncoderLayerWeights.slots.count)
        XCTAssertEqual(tensorFields(model.classifiers[0]), ClassifierWeights.slots.count)
        XCTAssertEqual(Set(EncoderLayerWeights.slots.map(\.path)).count, EncoderLayerWeights.slots.count)
        XCTAssertFalse(model.namedTensors().values.contains { $0.count == 0 })
    }

    func testParametersAreTheFileTensorsWithDecayOnWeightsAndEmbeddings() {
        let model = FastBERTModel.random(config: tinyConfig(), seed: 1)
        let parameters = Parameters.backbone(model.config) + (0..<2).flatMap(Parameters.classifier)
        XCTAssertEqual(parameters.map(\.name).sorted(), model.namedTensors().keys.sorted())
        for p in parameters {
            XCTAssertEqual(model[keyPath: p.path], model.namedTensors()[p.name], p.name)
            let isNorm = p.name.contains("LayerNorm")
            XCTAssertEqual(p.decays, p.name.hasSuffix(".weight") && !isNorm, p.name)
        }
        var copy = model
        copy.withParameter(Parameters.classifier(1).last!) { $0 = Tensor(zeros: [3]) }
        XCTAssertEqual(copy.classifiers[1].logits.bias, Tensor(zeros: [3]))
        XCTAssertEqual(copy.classifiers[0], model.classifiers[0])
    }

    func testRandomInitFollowsTheRoles() {
        let model = FastBERTModel.random(config: tinyConfig(), seed: 1, std: 0.1)
        let layer = model.backbone.layers[1]
        XCTAssertEqual(layer.attentionNorm.gamma.data, [Float](repeating: 1, count: 32))
        XCTAssertEqual(layer.outputNorm.beta, Tensor(zeros: [32]))
        XCTAssertEqual(layer.intermediate.bias, Tensor(zeros: [64]))
        XCTAssertEqual(model.backbone.embeddings.norm.gamma.data, [Float](repeating: 1, count: 32))
        let weights = layer.query.weight.data
        let rms = (weights.reduce(0) { $0 + $1 * $1 } / Float(weights.count)).squareRoot()
        XCTAssertEqual(rms, 0.1, accuracy: 0.02)
        let head = model.classifiers[0].input.weight.data
        XCTAssertEqual((head.reduce(0) { $0 + $1 * $1 } / Float(head.count)).squareRoot(), 1, accuracy: 0.2, "heads get 10 × std")
        XCTAssertEqual(model.config.fastbert.labels, ["a", "b", "c"])
        XCTAssertEqual(FastBERTModel.random(config: Fixtures.tinyConfig(labels: []), seed: 1).config.fastbert.labels,
                       ["negative", "positive"])
    }

    func testUnusedTensorsAreReportedNotRefused() throws {
        let model = Fixtures.tinyModel()
        let dir = Fixtures.temporaryDirectory()
        try ModelDirectory.save(model, to: dir)
        var tensors = model.namedTensors()
        tensors["pooler.dense.weight"] = Tensor(zeros: [32, 32])
        tensors["pooler.dense.bias"] = Tensor(zeros: [32])
        try SafeTensorsWriter.write(tensors, to: dir + "/model.safetensors")
        let (loaded, unused) = try ModelDirectory.loadReportingUnused(dir)
        XCTAssertEqual(loaded, model)
        XCTAssertEqual(unused, ["pooler.dense.bias", "pooler.dense.weight"])
        let clean = Fixtures.temporaryDirectory()
        try ModelDirectory.save(model, to: clean)
        XCTAssertEqual(try ModelDirectory.loadReportingUnused(clean).unusedTensors, [])
    }

    /// Checkpoint variants are the reader's business: `bert.` names and TF's LayerNorm gamma/beta.
    func testPrefixedTFStyleCheckpointLoads() throws {
        let model = Fixtures.tinyModel()
        let dir = Fixtures.temporaryDirectory()
        try ModelDirectory.save(model, to: dir)
        var renamed: [String: Tensor] = [:]
        for (name, tensor) in model.namedTensors() {
            var stored = name.hasPrefix("fastbert.") ? name : "bert." + name
            if stored.hasSuffix("LayerNorm.weight") { stored = stored.dropLast("weight".count) + "gamma" }
            if stored.hasSuffix("LayerNorm.bias") { stored = stored.dropLast("bias".count) + "beta" }
            renamed[stored] = tensor
        }
        XCTAssertTrue(renamed.keys.contains("bert.encoder.layer.3.output.LayerNorm.gamma"))
        try SafeTensorsWriter.write(renamed, to: dir + "/model.safetensors")
        let (loaded, unused) = try ModelDirectory.loadReportingUnused(dir)
        XCTAssertEqual(loaded, model)
        XCTAssertEqual(unused, [])
    }

    func testHeadsFileHoldsExactlyTheClassifierTable() throws {
        let model = Fixtures.tinyModel()
        let path = Fixtures.temporaryDirectory() + "/heads.safetensors"
        try ModelHeads.save(model, to: path, dtype: .f32)
        let names = try SafeTensorsFile(path: path).tensorNames
        XCTAssertEqual(names, (0..<4).flatMap { ModelLayout.classifier($0).specs(model.config) }.map(\.name).sorted())
    }

    /// The real MiniLM: every table tensor found, and the HF extras named as unused.
    func testMiniLMLoadsAndNamesWhatItDoesNotUse() throws {
        let directory = Fixtures.miniLMDirectory
        guard FileManager.default.fileExists(atPath: directory + "/model.safetensors") else {
            return XCTFail("real model missing at \(directory): run scripts/fetch-model")
        }
        let (model, unused) = try ModelDirectory.loadReportingUnused(directory)
        XCTAssertEqual(model.backbone.layers.count, 6)
        XCTAssertEqual(unused, ["embeddings.position_ids", "pooler.dense.bias", "pooler.dense.weight"])
    }

    static let tinyTensors = [
        "embeddings.LayerNorm.bias [32]",
        "embeddings.LayerNorm.weight [32]",
        "embeddings.position_embeddings.weight [64, 32]",
        "embeddings.token_type_embeddings.weight [2, 32]",
        "embeddings.word_embeddings.weight [100, 32]",
        "encoder.layer.0.attention.output.LayerNorm.bias [32]",
        "encoder.layer.0.attention.output.LayerNorm.weight [32]",
        "encoder.layer.0.attention.output.dense.bias [32]",
        "encoder.layer.0.attention.output.dense.weight [32, 32]",
        "encoder.layer.0.attention.self.key.bias [32]",
        "encoder.layer.0.attention.self.key.weight [32, 32]",
        "encoder.layer.0.attention.self.query.bias [32]",
        "encoder.layer.0.attention.self.query.weight [32, 32]",
        "encoder.layer.0.attention.self.value.bias [32]",
        "encoder.layer.0.attention.self.value.weight [32, 32]",
        "encoder.layer.0.intermediate.dense.bias [64]",
        "encoder.layer.0.intermediate.dense.weight [64, 32]",
        "encoder.layer.0.output.LayerNorm.bias [32]",
        "encoder.layer.0.output.LayerNorm.weight [32]",
        "encoder.layer.0.output.dense.bias [32]",
        "encoder.layer.0.output.dense.weight [32, 64]",
        "encoder.layer.1.attention.output.LayerNorm.bias [32]",
        "encoder.layer.1.attention.output.LayerNorm.weight [32]",
        "encoder.layer.1.attention.output.dense.bias [32]",
        "encoder.layer.1.attention.output.dense.weight [32, 32]",
        "encoder.layer.1.attention.self.key.bias [32]",
        "encoder.layer.1.attention.self.key.weight [32, 32]",
        "encoder.layer.1.attention.self.query.bias [32]",
        "encoder.layer.1.attention.self.query.weight [32, 32]",
        "encoder.layer.1.attention.self.value.bias [32]",
        "encoder.layer.1.attention.self.value.weight [32, 32]",
        "encoder.layer.1.intermediate.dense.bias [64]",
        "encoder.layer.1.intermediate.dense.weight [64, 32]",
        "encoder.layer.1.output.LayerNorm.bias [32]",
        "encoder.layer.1.output.LayerNorm.weight [32]",
        "encoder.layer.1.output.dense.bias [32]",
        "encoder.layer.1.output.dense.weight [32, 64]",
        "fastbert.classifiers.0.attention.key.bias [16]",
        "fastbert.classifiers.0.attention.key.weight [16, 16]",
        "fastbert.classifiers.0.attention.output.bias [16]",
        "fastbert.classifiers.0.attention.output.weight [16, 16]",
        "fastbert.classifiers.0.attention.query.bias [16]",
        "fastbert.classifiers.0.attention.query.weight [16, 16]",
        "fastbert.classifiers.0.attention.value.bias [16]",
        "fastbert.classifiers.0.attention.value.weight [16, 16]",
        "fastbert.classifiers.0.dense_hidden.bias [16]",
        "fastbert.classifiers.0.dense_hidden.weight [16, 16]",
        "fastbert.classifiers.0.dense_in.bias [16]",
        "fastbert.classifiers.0.dense_in.weight [16, 32]",
        "fastbert.classifiers.0.dense_logits.bias [3]",
        "fastbert.classifiers.0.dense_logits.weight [3, 16]",
        "fastbert.classifiers.1.attention.key.bias [16]",
        "fastbert.classifiers.1.attention.key.weight [16, 16]",
        "fastbert.classifiers.1.attention.output.bias [16]",
        "fastbert.classifiers.1.attention.output.weight [16, 16]",
        "fastbert.classifiers.1.attention.query.bias [16]",
        "fastbert.classifiers.1.attention.query.weight [16, 16]",
        "fastbert.classifiers.1.attention.value.bias [16]",
        "fastbert.classifiers.1.attention.value.weight [16, 16]",
        "fastbert.classifiers.1.dense_hidden.bias [16]",
        "fastbert.classifiers.1.dense_hidden.weight [16, 16]",
        "fastbert.classifiers.1.dense_in.bias [16]",
        "fastbert.classifiers.1.dense_in.weight [16, 32]",
        "fastbert.classifiers.1.dense_logits.bias [3]",
        "fastbert.classifiers.1.dense_logits.weight [3, 16]"
    ]
}
