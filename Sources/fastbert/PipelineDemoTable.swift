import Foundation

/// The demo's live per-layer exit table (redrawn in place on a terminal) and final summary.
struct PipelineDemoTable {
    let labels: [String]
    let total: Int
    private let interactive = isatty(STDOUT_FILENO) != 0
    private let drawn = LinesDrawn()

    init(labels: [String], total: Int) {
        self.labels = labels
        self.total = total
    }

    /// Seconds between redraws: often on a terminal, sparsely into logs.
    var redrawInterval: Double { interactive ? 0.5 : 3 }

    func draw(_ s: PipelineDemoMonitor.Stats) {
        var lines = ["layer      exits   share"]
        let results = max(1, s.results)
        for (index, count) in s.exits.enumerated() {
            let share = Double(count) / Double(results)
            let bar = String(repeating: "#", count: Int((share * 40).rounded()))
            lines.append(String(format: "%5d  %9d  %5.1f%%  ", index + 1, count, share * 100) + bar)
        }
        lines.append(String(format: "answered %d/%d   results %d   dead letters %d   mean exit layer %.2f",
                            s.answered.count, total, s.results, s.deadLetters,
                            s.results > 0 ? Double(s.exitLayerSum) / Double(s.results) : 0))
        var text = ""
        if interactive, drawn.count > 0 { text += "\u{1B}[\(drawn.count)A" }
        text += lines.map { $0 + (interactive ? "\u{1B}[K" : "") }.joined(separator: "\n") + "\n"
        if !interactive { text += "\n" }
        FileHandle.standardOutput.write(Data(text.utf8))
        drawn.count = lines.count
    }

    final class LinesDrawn: @unchecked Sendable {
        var count = 0
    }
}
