import FastBERT
import Foundation

extension EvaluationReport {
    /// A fixed-width table: one row per speed, exit shares per layer in percent.
    public func table() -> String {
        var lines: [String] = []
        lines.append("model \(model)\(modelId.isEmpty ? "" : " (\(modelId))")  data \(data)  n=\(examples)  "
            + String(format: "mean tokens %.1f  batch %d  threads %d", meanTokens, batchSize, threads))
        let layerHeads = (1...layers).map { leftPadded("L\($0)", 5) }.joined(separator: " ")
        let nameWidth = max(5, results.map(\.exit.count).max() ?? 0)
        lines.append(leftPadded("exit", nameWidth) + "  accuracy  macro-F1  mean-exit  FLOPs-x  wall-x  samples/s   exit share % " + layerHeads)
        for r in results {
            let shares = r.exitShare.map { String(format: "%5.1f", $0 * 100) }.joined(separator: " ")
            lines.append(leftPadded(r.exit, nameWidth) + String(format: "  %7.2f%%  %7.2f%%  %9.2f  %7.2f  %6.2f  %9.1f  ", r.accuracy * 100,
                                r.macroF1 * 100, r.meanExitLayer, r.flopsSpeedup, r.wallClockSpeedup, r.samplesPerSecond)
                + String(repeating: " ", count: 13) + shares)
        }
        return lines.joined(separator: "\n")
    }
}

func leftPadded(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}
