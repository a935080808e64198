/// When a sample leaves the network. The paper's criterion is one threshold on normalized entropy
/// for every layer (`speed`). That threshold means different things for 2 labels and for 150, so a
/// policy can also hold one threshold per layer (chosen by `fastbert calibrate`), use the top
/// probability instead of entropy, or PABEE's patience (leave once the prediction has not changed
/// for `patience` layers). Whatever the criterion, the teacher after the last layer answers
/// every sample still running, and a layer whose classifier could never let a sample leave is not
/// evaluated at all.
public struct ExitPolicy: Sendable, Equatable, Codable {
    public enum Criterion: String, Sendable, Codable, CaseIterable {
        /// score = normalized entropy of the prediction, in [0, 1].
        case entropy
        /// score = 1 - the largest class probability, in [0, 1).
        case maxProbability = "max_probability"
        /// PABEE: leave once the argmax is unchanged over `patience` consecutive layers.
        case patience
    }

    public var criterion: Criterion
    /// For entropy and maxProbability: after layer l+1 (index l) a sample leaves when its score is
    /// below `thresholds[l]`; 0 keeps everyone, 1 or more lets everyone leave. One per student
    /// layer (layers 1 ... L-1); the teacher needs none.
    public var thresholds: [Float]
    /// For patience: unchanged predictions needed to leave (1 = two agreeing layers in a row).
    public var patience: Int

    public init(criterion: Criterion, thresholds: [Float], patience: Int = 0) {
        self.criterion = criterion
        self.thresholds = thresholds
        self.patience = patience
    }

    /// The paper's criterion: normalized entropy below `speed` at every layer (0: full depth).
    public static func speed(_ speed: Float, layers: Int) -> ExitPolicy {
        ExitPolicy(criterion: .entropy, thresholds: .init(repeating: speed, count: max(0, layers - 1)))
    }

    /// PABEE's criterion over every student.
    public static func patience(_ patience: Int) -> ExitPolicy {
        ExitPolicy(criterion: .patience, thresholds: [], patience: max(1, patience))
    }

    /// Full depth: only the teacher is evaluated.
    public static func fullDepth(layers: Int) -> ExitPolicy { speed(0, layers: layers) }

    /// Whether the classifier after layer `layer` (0-based) has to run, given `numLayers` layers.
    public func evaluates(layer: Int, numLayers: Int) -> Bool {
        if layer == numLayers - 1 { return true }
        switch criterion {
        case .entropy, .maxProbability: return layer < thresholds.count && thresholds[layer] > 0
        case .patience: return true
        }
    }

    /// Whether any student can let a sample leave (false: the policy is full depth).
    public func exitsEarly(numLayers: Int) -> Bool {
        (0..<(numLayers - 1)).contains { evaluates(layer: $0, numLayers: numLayers) }
    }

    /// Whether a sample leaves after student layer `layer` (0-based) with this `score`, when its
    /// prediction has been the same over the last `agreeing` evaluated layers (1: it just changed).
    public func leaves(layer: Int, score: Float, agreeing: Int) -> Bool {
        switch criterion {
        case .entropy, .maxProbability:
            guard layer < thresholds.count else { return false }
            let threshold = thresholds[layer]
            return threshold >= 1 || score < threshold
        case .patience:
            return agreeing > patience
        }
    }
}
