import FastBERT

/// The search over thresholds picks, among thousands of policies, the ones whose losses happen to
/// be small on the calibration rows, so the policy it returns loses more on new rows than it did
/// there (banking77: a drop of 0.32 points on one half of test, 0.78 on the other). Cross-validation
/// measures that: the rows are cut into folds, each fold is scored with the policy searched on the
/// others, and the search is given a smaller budget until the drop on the held-out folds fits the
/// real one.
extension ExitCalibration {
    /// What cross-validation chose: the budget the final search gets, and the held-out drop (in
    /// points) of searches at that budget.
    public struct SearchBudget: Sendable, Equatable {
        public var budget: Double
        public var heldOutDrop: Double
        public var folds: Int
    }

    public static let folds = 5
    /// Fractions of the budget tried, largest first.
    static let budgetFractions: [Double] = [1, 0.8, 0.6, 0.45, 0.3, 0.2, 0.1, 0]

    /// The largest fraction of the budget whose searches stay within the whole budget on the folds
    /// they did not see (the mean drop there); nil when even a search at budget 0 does not (then
    /// nothing should exit early). With fewer than 10 rows per fold: the whole budget, unchecked.
    public func crossValidatedBudget(folds: Int = folds) -> SearchBudget? {
        guard traces.count >= 10 * folds else { return SearchBudget(budget: budget, heldOutDrop: .nan, folds: 0) }
        for fraction in Self.budgetFractions {
            let drop = heldOutDrop(searchBudget: budget * fraction, folds: folds)
            if drop <= budget { return SearchBudget(budget: budget * fraction, heldOutDrop: drop, folds: folds) }
        }
        return nil
    }

    /// The drop from full depth, in points, of each fold under the policy searched on the other
    /// folds, over all rows. Gains count here: the policy was not chosen on these rows.
    func heldOutDrop(searchBudget: Double, folds: Int) -> Double {
        var dropped = 0.0
        for fold in 0..<folds {
            let (searched, heldOut) = split(fold: fold, of: folds)
            let policy = searched.withBudget(searchBudget).search().first?.policy ?? .fullDepth(layers: config.numLayers)
            dropped += heldOut.evaluate(policy).drop * Double(heldOut.traces.count)
        }
        return dropped / Double(traces.count)
    }

    /// The same rows searched at another budget.
    public func withBudget(_ budget: Double) -> ExitCalibration {
        ExitCalibration(traces: traces, targets: targets, config: config, budget: budget, z: z, levels: levels)
    }

    /// Every `folds`-th row from `fold` on, and the rest (striding keeps each fold's label mix
    /// close to the whole when the rows are sorted by label).
    func split(fold: Int, of folds: Int) -> (rest: ExitCalibration, fold: ExitCalibration) {
        let inFold = traces.indices.map { $0 % folds == fold }
        func subset(_ keep: Bool) -> ExitCalibration {
            let rows = traces.indices.filter { inFold[$0] == keep }
            return ExitCalibration(traces: rows.map { traces[$0] }, targets: rows.map { targets[$0] }, config: config,
                                   budget: budget, z: z, levels: levels)
        }
        return (subset(false), subset(true))
    }
}
