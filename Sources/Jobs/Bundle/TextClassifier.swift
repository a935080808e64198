import FastBERT

/// Text in, predictions out: a bundle's tokenizer in front of its early-exit engine.
/// Not thread-safe: one caller at a time.
public final class TextClassifier {
    public let bundle: ModelBundle
    public let engine: EarlyExitEngine

    public init(bundle: ModelBundle) throws {
        self.bundle = bundle
        engine = try bundle.makeEngine()
    }

    public var labels: [String] { bundle.labels }

    public func tokenize(_ texts: [String]) -> [[Int32]] { texts.map(bundle.tokenIds) }

    public func classify(_ texts: [String], speed: Float) throws -> [Prediction] {
        try engine.classify(tokenize(texts), speed: speed)
    }

    public func classify(_ texts: [String], policy: ExitPolicy) throws -> [Prediction] {
        try engine.classify(tokenize(texts), policy: policy)
    }
}
