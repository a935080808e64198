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

/// Work counters, so tests and benchmarks can see that skipped layers were really skipped,
/// and operators where the wall clock goes.
public struct EngineCounters: Sendable, Equatable {
    /// Token rows each encoder layer computed (index 0 is layer 1).
    public var encoderRows: [Int]
    /// Sequences each classifier evaluated.
    public var classifierSequences: [Int]
    /// Sequences that exited at each layer.
    public var exits: [Int]
    /// Wall-clock nanoseconds in each encoder layer (the embedding is counted in layer 1).
    public var encoderNanos: [UInt64]
    /// Wall-clock nanoseconds in each classifier, with its softmax, exit decision and compaction.
    public var classifierNanos: [UInt64]

    public init(layers: Int) {
        encoderRows = .init(repeating: 0, count: layers)
        classifierSequences = .init(repeating: 0, count: layers)
        exits = .init(repeating: 0, count: layers)
        encoderNanos = .init(repeating: 0, count: layers)
        classifierNanos = .init(repeating: 0, count: layers)
    }

    /// The work done since `earlier` (a copy of these counters taken before).
    public func since(_ earlier: EngineCounters) -> EngineCounters {
        func minus<T: BinaryInteger>(_ a: [T], _ b: [T]) -> [T] {
            zip(a, b).map { $0 >= $1 ? $0 - $1 : 0 }
        }
        var delta = self
        delta.encoderRows = minus(encoderRows, earlier.encoderRows)
        delta.classifierSequences = minus(classifierSequences, earlier.classifierSequences)
        delta.exits = minus(exits, earlier.exits)
        delta.encoderNanos = minus(encoderNanos, earlier.encoderNanos)
        delta.classifierNanos = minus(classifierNanos, earlier.classifierNanos)
        return delta
    }
}
