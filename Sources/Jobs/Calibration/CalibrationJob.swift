import FastBERT
import Foundation

/// The whole `fastbert calibrate` job: trace every layer's classifier on labelled data, search
/// the exit policies of each criterion for the largest FLOPs speedup within the accuracy budget,
/// time the winner against full depth with the engine, and return what to write into the folder.
public enum CalibrationJob {
    public struct Report: Sendable {
        /// What goes into exit-policy.json (full depth when nothing pays).
        public var chosen: CalibratedExit
        /// The budget cross-validation left to the search (nil: none; full depth).
        public var searchBudget: ExitCalibration.SearchBudget?
        /// The best policy of each criterion that stayed within the search budget, best first.
        public var candidates: [ExitCalibration.Outcome]
        public var fullDepthAccuracy: Double
    }

    public static func run(
        bundle: ModelBundle, data: TextDataset, dataName: String, budget: Double, z: Double, batchSize: Int, repeats: Int
    ) throws -> Report {
        guard let rawLabels = data.labels else { throw TrainingError.noLabels(dataName) }
        let model = bundle.model
        let labelIndex = Dictionary(uniqueKeysWithValues: bundle.labels.enumerated().map { ($1, $0) })
        let unknown = Set(rawLabels).filter { labelIndex[$0] == nil }
        guard unknown.isEmpty else { throw TrainingError.unknownLabels(unknown.sorted()) }
        if !model.config.fastbert.studentsDistilled { printStatus("warning: \(model.headStatus)") }
        let targets = rawLabels.map { labelIndex[$0]! }
        let engine = try bundle.makeEngine()
        let batches = stride(from: 0, to: data.count, by: batchSize).map {
            PackedBatch(data.texts[$0..<min($0 + batchSize, data.count)].map(bundle.tokenIds))
        }
        let progress = ProgressBar(title: "calibrate: trace", total: batches.count, plainInterval: 5)
        var traces: [LayerTrace] = []
        for (index, batch) in batches.enumerated() {
            traces += try engine.trace(batch)
            progress.update(index + 1)
        }
        let calibration = ExitCalibration(traces: traces, targets: targets, config: model.config, budget: budget, z: z)
        let full = calibration.evaluate(.fullDepth(layers: model.config.numLayers))
        let searchBudget = calibration.crossValidatedBudget()
        switch searchBudget {
        case .some(let cut) where cut.folds == 0:
            printStatus("calibrate: too few rows to cross-validate; the search gets the whole budget")
        case .some(let cut):
            printStatus(String(format: "calibrate: %d-fold cross-validation: searches at %.2f points drop %.2f points "
                               + "on the rows they did not see", cut.folds, cut.budget, cut.heldOutDrop))
        case .none:
            printStatus(String(format: "calibrate: %d-fold cross-validation: even searches at 0 points drop more than "
                               + "%.2f points on the rows they did not see", ExitCalibration.folds, budget))
        }
        let candidates = searchBudget.map { calibration.withBudget($0.budget).search() } ?? []

        var chosen = CalibratedExit(
            policy: .fullDepth(layers: model.config.numLayers), budget: budget, z: z, data: dataName, examples: data.count,
            fullDepthAccuracy: full.accuracy, accuracy: full.accuracy, flopsSpeedup: 1, wallClockSpeedup: nil, paysOff: false)
        if let best = candidates.first, best.flopsSpeedup > 1 {
            let wall = try wallClockSpeedup(engine: engine, batches: batches, policy: best.policy, repeats: repeats)
            if wall > 1 {
                chosen.policy = best.policy
                chosen.accuracy = best.accuracy
                chosen.flopsSpeedup = best.flopsSpeedup
                chosen.wallClockSpeedup = wall
                chosen.paysOff = true
            } else {
                printStatus(String(format: "calibrate: %@ saves FLOPs (%.2fx) but measured %.2fx wall clock", best.policy.description,
                                   best.flopsSpeedup, wall))
            }
        }
        return Report(chosen: chosen, searchBudget: searchBudget, candidates: candidates, fullDepthAccuracy: full.accuracy)
    }

    /// Full-depth time over the policy's time on the same batches: the two alternate, and each
    /// keeps its fastest of `repeats` passes, so a change in machine load hits both alike.
    static func wallClockSpeedup(engine: EarlyExitEngine, batches: [PackedBatch], policy: ExitPolicy, repeats: Int) throws -> Double {
        let full = ExitPolicy.fullDepth(layers: engine.numLayers)
        func seconds(_ policy: ExitPolicy) throws -> Double {
            let start = Date()
            for batch in batches { _ = try engine.classify(batch, policy: policy) }
            return Date().timeIntervalSince(start)
        }
        _ = try seconds(policy)  // warm-up: buffers reach their size
        var fastestFull = Double.infinity, fastestPolicy = Double.infinity
        for _ in 0..<max(1, repeats) {
            fastestFull = min(fastestFull, try seconds(full))
            fastestPolicy = min(fastestPolicy, try seconds(policy))
        }
        return fastestFull / fastestPolicy
    }
}
