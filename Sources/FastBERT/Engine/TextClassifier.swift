import Foundation
import Tokenizers

/// Text in, predictions out: the model folder's tokenizer in front of the early-exit engine.
/// Not thread-safe: one caller at a time.
public final class TextClassifier {
    public let tokenizer: WordPieceTokenizer
    public let engine: EarlyExitEngine
    public let maxLength: Int

    public init(modelDirectory: String, maxLength: Int = 128, threads: Int) throws {
        let model = try ModelDirectory.load(modelDirectory)
        tokenizer = try WordPieceTokenizer.load(modelDirectory: URL(fileURLWithPath: modelDirectory))
        engine = try EarlyExitEngine(model: model, threads: threads)
        self.maxLength = min(maxLength, model.config.maxPositions)
    }

    public init(model: FastBERTModel, tokenizer: WordPieceTokenizer, maxLength: Int = 128, threads: Int) throws {
        self.tokenizer = tokenizer
        engine = try EarlyExitEngine(model: model, threads: threads)
        self.maxLength = min(maxLength, model.config.maxPositions)
    }

    public var labels: [String] { engine.labels }

    public func tokenize(_ texts: [String]) -> [[Int32]] {
        texts.map { tokenizer.encodeIDs($0, maxLength: maxLength) }
    }

    public func classify(_ texts: [String], speed: Float) throws -> [Prediction] {
        try engine.classify(tokenize(texts), speed: speed)
    }
}
