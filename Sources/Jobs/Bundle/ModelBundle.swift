import FastBERT
import Foundation
import Tokenizers

/// What every command needs to run a model folder: the model, its tokenizer, the token limit per
/// input, the id written into results and the engine's thread count. The one loader that the CLI,
/// the pipeline and the training and evaluation jobs share.
public struct ModelBundle: Sendable {
    public static let defaultMaxLength = 128

    public var model: FastBERTModel
    public var tokenizer: WordPieceTokenizer
    /// Tokens per input including [CLS] and [SEP]; longer inputs are truncated.
    public var maxLength: Int
    /// Written into every result: the config's model id, else the folder name.
    public var modelId: String
    /// Threads the engine built from this bundle runs every matrix product on.
    public var threads: Int
    /// The folder's exit-policy.json, written by `fastbert calibrate`.
    public var calibratedExit: CalibratedExit?

    /// `maxLength` is clamped to 2...max positions, `threads` to at least 1.
    public init(model: FastBERTModel, tokenizer: WordPieceTokenizer, maxLength: Int = defaultMaxLength, modelId: String? = nil,
                threads: Int, calibratedExit: CalibratedExit? = nil) {
        self.model = model
        self.tokenizer = tokenizer
        self.maxLength = max(2, min(maxLength, model.config.maxPositions))
        self.modelId = Self.modelId(model.config, folderName: modelId)
        self.threads = max(1, threads)
        self.calibratedExit = calibratedExit
    }

    /// What a command needs the folder's heads to be.
    public enum Requirement: Sendable {
        /// Any BERT folder (benchmarks, the start of fine-tuning).
        case backbone
        /// FastBERT classifiers after every layer (inference, distillation).
        case classifiers
    }

    /// Loads a model folder (config.json, model.safetensors, vocab.txt / tokenizer.json).
    public static func load(
        directory: String, maxLength: Int = defaultMaxLength, threads: Int, requiring requirement: Requirement = .classifiers
    ) throws(ModelBundleError) -> ModelBundle {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notFound(directory: directory)
        }
        let model: FastBERTModel
        let tokenizer: WordPieceTokenizer
        do {
            model = try ModelDirectory.load(directory)
            tokenizer = try WordPieceTokenizer.load(modelDirectory: URL(fileURLWithPath: directory))
        } catch {
            throw .unreadable(directory: directory, reason: "\(error)")
        }
        if requirement == .classifiers, !model.hasClassifiers {
            throw .missingHeads(directory: directory, status: model.headStatus)
        }
        let folderName = URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
        return ModelBundle(model: model, tokenizer: tokenizer, maxLength: maxLength, modelId: folderName, threads: threads,
                           calibratedExit: try CalibratedExit.load(from: directory, numLayers: model.config.numLayers))
    }

    /// The one model-id rule: the config's id, else the folder's name, else "unnamed".
    static func modelId(_ config: BertConfig, folderName: String?) -> String {
        if !config.fastbert.modelId.isEmpty { return config.fastbert.modelId }
        return folderName ?? "unnamed"
    }

    /// An engine on this bundle's model and thread count (not thread-safe: one per thread).
    public func makeEngine() throws -> EarlyExitEngine { try EarlyExitEngine(model: model, threads: threads) }

    /// Token ids of one input, truncated to `maxLength`.
    public func tokenIds(_ text: String) -> [Int32] { tokenizer.encodeIDs(text, maxLength: maxLength) }

    public var labels: [String] { model.config.fastbert.labels }
    public var numLayers: Int { model.config.numLayers }
}

public enum ModelBundleError: Error, Equatable, CustomStringConvertible {
    case notFound(directory: String)
    case unreadable(directory: String, reason: String)
    case missingHeads(directory: String, status: String)

    public var description: String {
        switch self {
        case .notFound(let directory): "model folder '\(directory)' not found"
        case .unreadable(let directory, let reason): "model folder '\(directory)': \(reason)"
        case .missingHeads(let directory, let status): "model folder '\(directory)' has no classifier heads (\(status)); train it first"
        }
    }
}
