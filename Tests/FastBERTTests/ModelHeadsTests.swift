import XCTest

@testable import FastBERT

final class ModelHeadsTests: XCTestCase {
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
}
