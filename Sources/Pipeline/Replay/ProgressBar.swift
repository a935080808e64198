import Foundation

/// A one-line progress display on stderr: done/total, rate, ETA. Redraws in place on a
/// terminal; otherwise prints a line every few seconds.
final class ProgressBar: @unchecked Sendable {
    private let total: Int64
    private let label: String
    private let interactive = isatty(STDERR_FILENO) != 0
    private let started = MonotonicTime.now()
    private var lastDraw: UInt64 = 0

    init(label: String, total: Int64) {
        self.label = label
        self.total = total
    }

    /// Redraws if enough time has passed (or `force`).
    func update(done: Int64, force: Bool = false) {
        let now = MonotonicTime.now()
        let interval: UInt64 = interactive ? 200_000_000 : 3_000_000_000
        guard force || now - lastDraw >= interval else { return }
        lastDraw = now
        let line = Self.render(label: label, done: done, total: total, elapsed: MonotonicTime.seconds(since: started, until: now))
        FileHandle.standardError.write(Data(((interactive ? "\r" : "") + line + (interactive ? "\u{1B}[K" : "\n")).utf8))
    }

    /// Final state and a newline.
    func finish(done: Int64) {
        update(done: done, force: true)
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func render(label: String, done: Int64, total: Int64, elapsed: Double, width: Int = 30) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let numbers = String(format: "%5.1f%% %.0f msg/s", fraction * 100, rate)
        return "\(label) [\(bar)] \(done)/\(total) \(numbers) ETA \(formatSeconds(eta))"
    }

    static func formatSeconds(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "--:--" }
        let total = Int(s.rounded())
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%02d:%02d", total / 60, total % 60)
    }
}
