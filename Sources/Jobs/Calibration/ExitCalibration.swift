import FastBERT
import Foundation

/// Picks the exit policy with the largest FLOPs speedup whose accuracy stays within a budget of
/// full depth on labelled data, by replaying candidate policies on recorded layer traces.
///
/// Robustness: a policy is accepted only if its loss rate (samples full depth gets right and the
/// exit gets wrong) plus `z` standard errors stays within the budget. Gains (the exit right where
/// full depth is wrong) are not credited, or the search would pick the thresholds where gains
/// happen to offset losses on these rows. The standard errors cover chance in one policy's
/// losses; that the search picks the best of many is corrected by cross-validation
/// (CrossValidatedBudget.swift), which sets the budget the search gets.
public struct ExitCalibration: Sendable {
    public let traces: [LayerTrace]
    public let targets: [Int]
    public let config: BertConfig
    /// Allowed accuracy drop from full depth, in percentage points.
    public let budget: Double
    /// Standard errors added to the measured drop before it is compared with the budget.
    public let z: Double
    /// Levels tried per layer for a threshold criterion.
    public let levels: Int

    public init(traces: [LayerTrace], targets: [Int], config: BertConfig, budget: Double, z: Double, levels: Int = 40) {
        precondition(traces.count == targets.count && !traces.isEmpty)
        self.traces = traces
        self.targets = targets
        self.config = config
        self.budget = budget
        self.z = z
        self.levels = levels
        fullCorrect = zip(traces, targets).map { $0.labels.last == $1 }
        fullAccuracy = Double(fullCorrect.filter { $0 }.count) / Double(traces.count)
        fullFlops = traces.reduce(0) { $0 + FlopCount.sample(config, length: $1.length, exitLayer: config.numLayers, classifiers: 1) }
    }

    private let fullCorrect: [Bool]
    private let fullAccuracy: Double
    private let fullFlops: Double

    /// A policy replayed on the traces.
    public struct Outcome: Sendable, Equatable {
        public var policy: ExitPolicy
        public var accuracy: Double
        /// Full-depth accuracy minus this policy's, in points.
        public var drop: Double
        /// Share of samples full depth gets right and this policy wrong, in points.
        public var losses: Double
        /// `losses` plus z standard errors, in points: what is compared with the budget.
        public var dropBound: Double
        public var flopsSpeedup: Double
        /// Share of samples leaving at layer 1 ... L.
        public var exitShare: [Double]
    }

    public func evaluate(_ policy: ExitPolicy) -> Outcome {
        let n = Double(traces.count), layers = config.numLayers
        var correct = 0, lost = 0, flops = 0.0
        var exits = [Double](repeating: 0, count: layers)
        for (i, trace) in traces.enumerated() {
            let exit = policy.replay(trace)
            let right = exit.label == targets[i]
            if right { correct += 1 }
            if fullCorrect[i] && !right { lost += 1 }
            flops += FlopCount.sample(config, length: trace.length, exitLayer: exit.exitLayer, classifiers: exit.classifiers)
            exits[exit.exitLayer - 1] += 1
        }
        let lossRate = Double(lost) / n
        let standardError = (lossRate * (1 - lossRate) / max(n - 1, 1)).squareRoot()
        return Outcome(
            policy: policy, accuracy: Double(correct) / n, drop: 100 * (fullAccuracy - Double(correct) / n), losses: 100 * lossRate,
            dropBound: 100 * (lossRate + z * standardError),
            flopsSpeedup: fullFlops / flops, exitShare: exits.map { $0 / n })
    }

    func feasible(_ outcome: Outcome) -> Bool { outcome.dropBound <= budget }

    /// The best policy of each criterion (nil where none beats nothing), best first.
    public func search() -> [Outcome] {
        var best: [Outcome] = []
        for criterion in [ExitPolicy.Criterion.entropy, .maxProbability] {
            best.append(searchThresholds(criterion))
        }
        let patience = (1..<max(2, config.numLayers - 1)).map { evaluate(.patience($0)) }
        if let top = patience.filter(feasible).max(by: { $0.flopsSpeedup < $1.flopsSpeedup }) { best.append(top) }
        return best.filter(feasible).sorted { $0.flopsSpeedup > $1.flopsSpeedup }
    }

    /// Greedy search over per-layer thresholds: start at full depth and repeatedly take the move
    /// (one layer's threshold raised to a higher level) with the most FLOPs saved per point of
    /// drop bound spent, among the moves that keep the bound within the budget.
    func searchThresholds(_ criterion: ExitPolicy.Criterion) -> Outcome {
        let students = config.numLayers - 1
        let candidates = (0..<students).map { layer in thresholdLevels(criterion, layer: layer) }
        var current = evaluate(ExitPolicy(criterion: criterion, thresholds: .init(repeating: 0, count: students)))
        var position = [Int](repeating: -1, count: students)  // index into candidates[layer]; -1: threshold 0
        while true {
            var bestMove: (layer: Int, level: Int, outcome: Outcome, value: Double)?
            for layer in 0..<students {
                for level in (position[layer] + 1)..<candidates[layer].count {
                    var policy = current.policy
                    policy.thresholds[layer] = candidates[layer][level]
                    let outcome = evaluate(policy)
                    guard feasible(outcome), outcome.flopsSpeedup > current.flopsSpeedup else { continue }
                    let gain = outcome.flopsSpeedup - current.flopsSpeedup
                    let cost = max(outcome.dropBound - current.dropBound, 1e-3)
                    if gain / cost > (bestMove?.value ?? 0) { bestMove = (layer, level, outcome, gain / cost) }
                }
            }
            guard let move = bestMove else { return current }
            position[move.layer] = move.level
            current = move.outcome
        }
    }

    /// Thresholds just above `levels` quantiles of the layer's scores (a sample leaves when its
    /// score is strictly below the threshold), ascending and distinct.
    func thresholdLevels(_ criterion: ExitPolicy.Criterion, layer: Int) -> [Float] {
        let scores = traces.map { criterion == .maxProbability ? $0.topGap[layer] : $0.entropy[layer] }.sorted()
        var values: [Float] = []
        for k in 1...levels {
            let index = min(scores.count - 1, scores.count * k / levels)
            let value = scores[index].nextUp
            if value > (values.last ?? 0) { values.append(min(value, 1)) }
        }
        return values
    }
}
