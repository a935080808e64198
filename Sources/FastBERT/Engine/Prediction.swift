/// The result for one input: label index, class probabilities, the 1-based layer it left at,
/// and the normalized entropy that let it leave.
public struct Prediction: Sendable, Equatable, Codable {
    public var label: Int
    public var probabilities: [Float]
    public var exitLayer: Int
    public var uncertainty: Float

    public init(label: Int, probabilities: [Float], exitLayer: Int, uncertainty: Float) {
        self.label = label
        self.probabilities = probabilities
        self.exitLayer = exitLayer
        self.uncertainty = uncertainty
    }
}

/// Work counters, so tests and benchmarks can see that skipped layers were really skipped.
public struct EngineCounters: Sendable, Equatable {
    /// Token rows each encoder layer computed (index 0 is layer 1).
    public var encoderRows: [Int]
    /// Sequences each classifier evaluated.
    public var classifierSequences: [Int]
    /// Sequences that exited at each layer.
    public var exits: [Int]

    public init(layers: Int) {
        encoderRows = .init(repeating: 0, count: layers)
        classifierSequences = .init(repeating: 0, count: layers)
        exits = .init(repeating: 0, count: layers)
    }
}
