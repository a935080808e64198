import Foundation

/// An SVG with two panels over time: records behind, and accuracy per 5 s window of production,
/// one line per run, the burst shaded.
enum BurstChart {
    static let colors = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd"]

    static func svg(_ runs: [BurstTimeline], title: String) -> String {
        let width = 980.0, height = 470.0
        let end = runs.flatMap { $0.samples.map(\.second) }.max() ?? 1
        var out = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
                + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            text(width / 2, 22, title, anchor: "middle", size: 15),
        ]
        let maxBehind = Double(max(1, runs.map(\.peakBehind).max() ?? 1))
        out += panel(x: 70, y: 50, w: 380, h: 330, end: end, runs: runs, yLabel: "records behind", yMax: maxBehind * 1.05, yMin: 0) {
            $0.samples.map { ($0.second, Double($0.behind)) }
        }
        let accuracies = runs.flatMap { $0.windows.compactMap(\.accuracy) }.map { $0 * 100 }
        let low = ((accuracies.min() ?? 0) - 2).rounded(.down), high = min(100, ((accuracies.max() ?? 100) + 2).rounded(.up))
        out += panel(x: 560, y: 50, w: 380, h: 330, end: end, runs: runs, yLabel: "accuracy of records produced (%, 5 s windows)",
                     yMax: high, yMin: low) {
            $0.windows.compactMap { w in w.accuracy.map { (w.start + 2.5, $0 * 100) } }
        }
        for (i, run) in runs.enumerated() {
            let y = 420.0 + Double(i) * 18
            let recovery = run.recoverySeconds.map { String(format: "%.1f s", $0) } ?? "not within the run"
            out.append("<line x1=\"70\" y1=\"\(y - 4)\" x2=\"95\" y2=\"\(y - 4)\" stroke=\"\(colors[i % colors.count])\" stroke-width=\"2\"/>")
            out.append(text(102, y, String(format: "%@: accuracy %.2f%% (burst %.2f%%), peak behind %d, recovery %@, mean exit layer %.2f",
                                           run.label, run.accuracy * 100, run.burstAccuracy * 100, run.peakBehind, recovery,
                                           run.meanExitLayer)))
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    private static func panel(
        x: Double, y: Double, w: Double, h: Double, end: Double, runs: [BurstTimeline], yLabel: String, yMax: Double, yMin: Double,
        points: (BurstTimeline) -> [(Double, Double)]
    ) -> [String] {
        func px(_ t: Double) -> Double { x + t / max(end, 1e-9) * w }
        func py(_ v: Double) -> Double { y + h - (v - yMin) / max(yMax - yMin, 1e-9) * h }
        var out: [String] = []
        if let run = runs.first {
            out.append("<rect x=\"\(px(run.burstStart))\" y=\"\(y)\" width=\"\(px(run.burstEnd) - px(run.burstStart))\" height=\"\(h)\" fill=\"#f3e6c8\"/>")
            out.append(text(px(run.burstStart) + 3, y + 14, "burst", size: 11))
        }
        out.append("<rect x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"\(h)\" fill=\"none\" stroke=\"#333\"/>")
        for i in 0...4 {
            let v = yMin + (yMax - yMin) * Double(i) / 4, t = end * Double(i) / 4
            out.append(text(x - 6, py(v) + 4, String(format: yMax > 1000 ? "%.0f" : "%.1f", v), anchor: "end", size: 11))
            out.append(text(px(t), y + h + 16, String(format: "%.0f s", t), anchor: "middle", size: 11))
        }
        out.append(text(x + w / 2, y + h + 34, "seconds since the stream started", anchor: "middle"))
        out.append(text(x, y - 8, yLabel))
        for (i, run) in runs.enumerated() {
            let path = points(run).map { String(format: "%.1f,%.1f", px($0.0), py($0.1)) }.joined(separator: " ")
            out.append("<polyline fill=\"none\" stroke=\"\(colors[i % colors.count])\" stroke-width=\"1.8\" points=\"\(path)\"/>")
        }
        return out
    }

    private static func text(_ x: Double, _ y: Double, _ s: String, anchor: String = "start", size: Int = 12) -> String {
        let escaped = s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return "<text x=\"\(String(format: "%.1f", x))\" y=\"\(String(format: "%.1f", y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\">\(escaped)</text>"
    }
}
