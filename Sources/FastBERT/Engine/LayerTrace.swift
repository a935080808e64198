/// Every classifier's verdict on one sample, recorded by running all layers without exiting
/// (`EarlyExitEngine.trace`). Replaying a policy on traces gives exactly the labels, exit layers
/// and FLOPs the engine would give with that policy, without running the network again: this is
/// what calibration searches over.
public struct LayerTrace: Sendable, Equatable {
    /// Tokens of the sample (for FLOPs).
    public var length: Int
    /// Argmax after layer 1 ... L.
    public var labels: [Int]
    /// Normalized entropy after layer 1 ... L.
    public var entropy: [Float]
    /// 1 - top probability after layer 1 ... L.
    public var topGap: [Float]

    public init(length: Int, labels: [Int], entropy: [Float], topGap: [Float]) {
        self.length = length
        self.labels = labels
        self.entropy = entropy
        self.topGap = topGap
    }
}

/// Where a policy lets one traced sample leave.
public struct TracedExit: Sendable, Equatable {
    public var label: Int
    /// 1-based.
    public var exitLayer: Int
    /// Classifiers evaluated on the sample (the teacher included).
    public var classifiers: Int
}

extension ExitPolicy {
    /// The engine's decision for a traced sample, layer by layer (same rule as `EarlyExitEngine`).
    public func replay(_ trace: LayerTrace) -> TracedExit {
        let layers = trace.labels.count
        var classifiers = 0, agreeing = 0, previous = -1
        for layer in 0..<layers {
            guard evaluates(layer: layer, numLayers: layers) else { continue }
            classifiers += 1
            let label = trace.labels[layer]
            agreeing = label == previous ? agreeing + 1 : 1
            previous = label
            let score = criterion == .maxProbability ? trace.topGap[layer] : trace.entropy[layer]
            if layer == layers - 1 || leaves(layer: layer, score: score, agreeing: agreeing) {
                return TracedExit(label: label, exitLayer: layer + 1, classifiers: classifiers)
            }
        }
        preconditionFailure("a trace has at least one layer")
    }

    /// Classifiers this policy evaluates on a sample that leaves after `exitLayer` (1-based).
    public func classifiersEvaluated(exitLayer: Int, numLayers: Int) -> Int {
        (0..<exitLayer).filter { evaluates(layer: $0, numLayers: numLayers) }.count
    }
}
