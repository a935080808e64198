import FastBERT
import Foundation

/// An SVG with two panels: accuracy against speedup (analytical FLOPs and measured wall clock),
/// and for every speed the share of samples leaving at each layer (stacked bar).
extension EvaluationReport {
    public func svg() -> String {
        let width = 980.0, height = 460.0
        var out = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
                + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            text(width / 2, 22, "FastBERT early exit: \(modelId.isEmpty ? model : modelId) on \(data) (n=\(examples))",
                 size: 15, anchor: "middle", bold: true),
        ]
        out += accuracyPanel(x: 70, y: 50, w: 380, h: 340)
        out += exitPanel(x: 560, y: 50, w: 380, h: 340)
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    private func accuracyPanel(x: Double, y: Double, w: Double, h: Double) -> [String] {
        let accuracies = results.map { $0.accuracy * 100 }
        let speedups = results.flatMap { [$0.flopsSpeedup, $0.wallClockSpeedup] }
        let xMax = (max(speedups.max() ?? 1, 1.5) * 1.08).rounded(.up)
        let yLow = ((accuracies.min() ?? 0) - 1).rounded(.down), yHigh = ((accuracies.max() ?? 100) + 0.5).rounded(.up)
        func px(_ v: Double) -> Double { x + (v - 1) / (xMax - 1) * w }
        func py(_ v: Double) -> Double { y + h - (v - yLow) / max(yHigh - yLow, 1e-9) * h }
        var out = axes(x: x, y: y, w: w, h: h, xLabel: "speedup vs speed 0 (x)", yLabel: "accuracy (%)")
        for tick in ticks(1, xMax) {
            out.append(line(px(tick), y + h, px(tick), y + h + 4, color: "#333"))
            out.append(text(px(tick), y + h + 17, format(tick), anchor: "middle"))
        }
        for tick in ticks(yLow, yHigh) {
            out.append(line(x - 4, py(tick), x + w, py(tick), color: "#eee"))
            out.append(text(x - 7, py(tick) + 4, format(tick), anchor: "end"))
        }
        let series: [(String, String, (SpeedResult) -> Double)] = [
            ("FLOPs (analytical)", "#1f77b4", { $0.flopsSpeedup }),
            ("wall clock (measured)", "#d62728", { $0.wallClockSpeedup }),
        ]
        for (index, (name, color, value)) in series.enumerated() {
            let points = results.map { "\(px(value($0))),\(py($0.accuracy * 100))" }.joined(separator: " ")
            out.append("<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>")
            for r in results {
                out.append("<circle cx=\"\(px(value(r)))\" cy=\"\(py(r.accuracy * 100))\" r=\"3.5\" fill=\"\(color)\">"
                    + "<title>exit \(r.exit): \(format(r.accuracy * 100))% at \(format(value(r)))x</title></circle>")
                if index == 0 {
                    out.append(text(px(value(r)) + 5, py(r.accuracy * 100) - 6, r.exit, size: 10, color: color))
                }
            }
            let legendY = y + h - 40 + Double(index) * 16
            out.append(line(x + w - 150, legendY, x + w - 130, legendY, color: color, width: 2))
            out.append(text(x + w - 125, legendY + 4, name))
        }
        out.append(text(x + w - 150, y + h - 56, "labels: speed threshold or exit policy", size: 10, color: "#666"))
        return out
    }

    private func exitPanel(x: Double, y: Double, w: Double, h: Double) -> [String] {
        var out = [text(x + w / 2, y - 8, "share of samples exiting at each layer", anchor: "middle", bold: true)]
        let rowHeight = h / Double(max(results.count, 1))
        let palette = ["#08519c", "#3182bd", "#6baed6", "#9ecae1", "#fdae6b", "#e6550d", "#a63603", "#54278f",
                       "#756bb1", "#9e9ac8", "#31a354", "#74c476"]
        for (row, r) in results.enumerated() {
            let top = y + Double(row) * rowHeight + 3
            var left = x
            out.append(text(x - 8, top + rowHeight / 2 + 1, "exit \(r.exit)", anchor: "end"))
            for (layer, share) in r.exitShare.enumerated() where share > 0 {
                let segment = share * w
                out.append("<rect x=\"\(left)\" y=\"\(top)\" width=\"\(segment)\" height=\"\(rowHeight - 6)\" "
                    + "fill=\"\(palette[layer % palette.count])\"><title>layer \(layer + 1): "
                    + "\(format(share * 100))%</title></rect>")
                if segment > 24 {
                    out.append(text(left + segment / 2, top + rowHeight / 2 + 1, "\(Int((share * 100).rounded()))",
                                    size: 10, anchor: "middle", color: "white"))
                }
                left += segment
            }
        }
        for layer in 0..<layers {
            let lx = x + Double(layer) * (w / Double(layers))
            out.append("<rect x=\"\(lx)\" y=\"\(y + h + 12)\" width=\"12\" height=\"12\" fill=\"\(palette[layer % palette.count])\"/>")
            out.append(text(lx + 16, y + h + 22, "layer \(layer + 1)"))
        }
        out.append(text(x + w / 2, y + h + 44, "% of samples per exit layer (mean exit layer in the JSON)", size: 10,
                        anchor: "middle", color: "#666"))
        return out
    }

    private func axes(x: Double, y: Double, w: Double, h: Double, xLabel: String, yLabel: String) -> [String] {
        [line(x, y + h, x + w, y + h, color: "#333"), line(x, y, x, y + h, color: "#333"),
         text(x + w / 2, y + h + 36, xLabel, anchor: "middle"),
         "<text x=\"\(x - 45)\" y=\"\(y + h / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 \(x - 45) \(y + h / 2))\">"
            + "\(yLabel)</text>"]
    }

    private func ticks(_ low: Double, _ high: Double) -> [Double] {
        let span = high - low
        let step = [0.25, 0.5, 1, 2, 5, 10, 20].first { span / $0 <= 8 } ?? 50
        return stride(from: (low / step).rounded(.up) * step, through: high, by: step).map { $0 }
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, color: String, width: Double = 1) -> String {
        "<line x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\" stroke=\"\(color)\" stroke-width=\"\(width)\"/>"
    }

    private func text(
        _ x: Double, _ y: Double, _ content: String, size: Double = 12, anchor: String = "start", bold: Bool = false,
        color: String = "#222"
    ) -> String {
        let escaped = content.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return "<text x=\"\(x)\" y=\"\(y)\" font-size=\"\(size)\" text-anchor=\"\(anchor)\" fill=\"\(color)\""
            + (bold ? " font-weight=\"bold\"" : "") + ">\(escaped)</text>"
    }
}
