import XCTest

@testable import FastBERT
@testable import Jobs

final class ModelBundleTests: XCTestCase {
    func testModelIdIsTheConfigsElseTheFolderName() throws {
        XCTAssertEqual(try ModelBundle.load(directory: Fixtures.modelFolder(modelId: "sst2@1"), threads: 1).modelId, "sst2@1")
        XCTAssertEqual(try ModelBundle.load(directory: Fixtures.modelFolder(), threads: 1).modelId, "tiny-model")
    }

    func testMaxLengthIsClampedToTheModelsPositionsAndThreadsToOne() throws {
        let bundle = try ModelBundle.load(directory: Fixtures.modelFolder(), maxLength: 1000, threads: 0)
        XCTAssertEqual(bundle.maxLength, 24)
        XCTAssertEqual(bundle.threads, 1)
        XCTAssertEqual(bundle.tokenIds(Array(repeating: "good", count: 100).joined(separator: " ")).count, 24)
    }

    func testMissingFolderAndMissingHeadsAreNamed() {
        XCTAssertThrowsError(try ModelBundle.load(directory: "/nonexistent/model", threads: 1)) { error in
            XCTAssertEqual(error as? ModelBundleError, .notFound(directory: "/nonexistent/model"))
            XCTAssertEqual("\(error)", "model folder '/nonexistent/model' not found")
        }
        let backbone = Fixtures.modelFolder(withHeads: false)
        XCTAssertThrowsError(try ModelBundle.load(directory: backbone, threads: 1)) { error in
            XCTAssertTrue("\(error)".contains("has no classifier heads"), "\(error)")
        }
        XCTAssertNoThrow(try ModelBundle.load(directory: backbone, threads: 1, requiring: .backbone))
    }

    func testTextClassifierEqualsTheEngineOnTheBundlesTokens() throws {
        let bundle = try ModelBundle.load(directory: Fixtures.modelFolder(), threads: 2)
        let texts = ["good film", "very dull film", "bad"]
        let direct = try EarlyExitEngine(model: bundle.model, threads: 1).classify(texts.map(bundle.tokenIds), speed: 0.3)
        XCTAssertEqual(try TextClassifier(bundle: bundle).classify(texts, speed: 0.3), direct)
    }
}
