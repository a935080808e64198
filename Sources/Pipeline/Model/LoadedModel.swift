import FastBERT
import Foundation
import Tokenizers

/// A model and its tokenizer, ready to hand to a pipeline (`Sendable`; the engine itself is
/// built on the inference thread).
public struct LoadedModel: Sendable {
    public var model: FastBERTModel
    public var tokenizer: WordPieceTokenizer
    /// Tokens per input including [CLS] and [SEP]; longer inputs are truncated.
    public var maxLength: Int
    /// Written into every output (config's model id, else the folder name).
    public var modelId: String
    /// Threads the engine runs its matrix products on.
    public var threads: Int

    public init(model: FastBERTModel, tokenizer: WordPieceTokenizer, maxLength: Int = 128, modelId: String? = nil, threads: Int) {
        self.model = model
        self.tokenizer = tokenizer
        self.threads = max(1, threads)
        self.maxLength = max(2, min(maxLength, model.config.maxPositions))
        let configured = model.config.fastbert.modelId
        self.modelId = modelId ?? (configured.isEmpty ? "unnamed" : configured)
    }

    /// Loads a model folder (config.json, model.safetensors, vocab.txt / tokenizer.json).
    public static func load(directory: String, maxLength: Int = 128, threads: Int) throws(PipelineError) -> LoadedModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .model(directory: directory, reason: "no such model folder")
        }
        let model: FastBERTModel
        let tokenizer: WordPieceTokenizer
        do {
            model = try ModelDirectory.load(directory)
            tokenizer = try WordPieceTokenizer.load(modelDirectory: URL(fileURLWithPath: directory))
        } catch {
            throw .model(directory: directory, reason: "\(error)")
        }
        guard model.hasClassifiers else {
            throw .model(directory: directory, reason: "the model has no classifier heads (\(model.headStatus)); train it first")
        }
        let configured = model.config.fastbert.modelId
        let name = configured.isEmpty ? URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent : configured
        return LoadedModel(model: model, tokenizer: tokenizer, maxLength: maxLength, modelId: name, threads: threads)
    }

    public var labels: [String] { model.config.fastbert.labels }
    public var numLayers: Int { model.config.numLayers }
}
