import FastBERT
import Foundation

/// A progress line on stderr: a bar with done/total, ETA and caller-supplied figures (running
/// loss, examples/s, messages/s). On a terminal it redraws one line at most 5 times a second;
/// otherwise (logs, CI) it prints a plain line every `plainInterval` seconds and at the end.
/// Used by train, distill, eval and replay; `sink` hands it to the engine's long-running stages.
public final class ProgressBar: @unchecked Sendable {
    let title: String
    let total: Int
    let start = Date()
    let interactive: Bool
    let plainInterval: TimeInterval
    var lastDraw = Date.distantPast
    var endedLine = false

    public init(title: String, total: Int, plainInterval: TimeInterval = 15) {
        self.title = title
        self.total = max(total, 1)
        self.plainInterval = plainInterval
        interactive = isatty(STDERR_FILENO) != 0
    }

    public var elapsed: TimeInterval { Date().timeIntervalSince(start) }

    /// `done` units of `total` are finished; `detail` is appended (e.g. "loss 0.41  212 ex/s").
    public func update(_ done: Int, detail: String = "", force: Bool = false) {
        let now = Date()
        let finished = done >= total
        let interval = interactive ? 0.2 : plainInterval
        guard force || finished || now.timeIntervalSince(lastDraw) >= interval else { return }
        lastDraw = now
        let line = Self.render(title: title, done: done, total: total, elapsed: elapsed, detail: detail,
                               bar: interactive ? 24 : nil)
        if interactive {
            endedLine = finished
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + (finished ? "\n" : "")).utf8))
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// Draws the final state (also when it stopped short of `total`) and ends the line.
    public func finish(_ done: Int, detail: String = "") {
        update(done, detail: detail, force: true)
        if interactive, !endedLine { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// One progress line; `bar` is the width of the drawn bar (nil: percentage only).
    static func render(title: String, done: Int, total: Int, elapsed: TimeInterval, detail: String, bar: Int?) -> String {
        let fraction = Double(min(done, total)) / Double(max(total, 1))
        let eta = done > 0 ? elapsed / Double(done) * Double(total - min(done, total)) : 0
        let timing = done >= total ? "in \(clock(elapsed))" : "ETA \(clock(eta))"
        let percent = String(format: "%5.1f%%", fraction * 100)
        let drawn = bar.map { width -> String in
            let filled = Int(fraction * Double(width))
            return String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + " "
        } ?? ""
        return "\(title) \(drawn)\(percent) \(done)/\(total) \(timing)  \(detail)"
    }

    static func clock(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

extension ProgressSink {
    /// A progress bar titled `title` (drawn from the first update, which brings the total) and
    /// status lines, both on stderr.
    public static func progressBar(title: String, plainInterval: TimeInterval = 15) -> ProgressSink {
        let bar = ProgressBarOnDemand(title: title, plainInterval: plainInterval)
        return ProgressSink(update: { bar.update($0, total: $1, detail: $2) }, status: { printStatus($0) })
    }
}

/// A ProgressBar made when the first update tells the total. One caller at a time.
private final class ProgressBarOnDemand: @unchecked Sendable {
    let title: String
    let plainInterval: TimeInterval
    var bar: ProgressBar?

    init(title: String, plainInterval: TimeInterval) {
        self.title = title
        self.plainInterval = plainInterval
    }

    func update(_ done: Int, total: Int, detail: String) {
        let bar = self.bar ?? ProgressBar(title: title, total: total, plainInterval: plainInterval)
        self.bar = bar
        bar.update(done, detail: detail)
    }
}
