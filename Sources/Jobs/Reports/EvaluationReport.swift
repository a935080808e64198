import FastBERT

/// What `fastbert eval` measured: the model and data, the run's settings and one result per speed.
public struct EvaluationReport: Sendable, Codable, Equatable {
    public var model: String
    public var modelId: String
    public var data: String
    public var examples: Int
    public var meanTokens: Double
    public var labels: [String]
    public var layers: Int
    public var batchSize: Int
    public var threads: Int
    public var repeats: Int
    public var results: [SpeedResult]
}

extension EvaluationReport {
    /// Said plainly when no exit setting beat full depth on the clock (nil when one did): certainty
    /// stands in for difficulty, and when hard samples dominate, the students' cost is not paid back.
    public var earlyExitVerdict: String? {
        let early = results.dropFirst()
        guard !early.isEmpty, !early.contains(where: { $0.wallClockSpeedup > 1 && $0.flopsSpeedup > 1 }) else { return nil }
        let best = early.max { $0.wallClockSpeedup < $1.wallClockSpeedup }!
        return String(format: "early exit does not pay for this model on this data: no setting beat full depth "
            + "(best: exit %@ at %.2fx wall clock, %.2fx FLOPs); serve with --speed 0", best.exit, best.wallClockSpeedup,
            best.flopsSpeedup)
    }
}
