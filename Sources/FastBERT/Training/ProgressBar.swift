import Foundation

/// A progress line on stderr: a bar with ETA and caller-supplied figures (running loss, examples/s).
/// On a terminal it redraws one line at most 5 times a second; otherwise (logs, CI) it prints a
/// plain line every `plainInterval` seconds and at the end.
public final class ProgressBar {
    let title: String
    let total: Int
    let start = Date()
    let interactive: Bool
    let plainInterval: TimeInterval
    var lastDraw = Date.distantPast
    public var quiet = false

    public init(title: String, total: Int, plainInterval: TimeInterval = 15) {
        self.title = title
        self.total = max(total, 1)
        self.plainInterval = plainInterval
        interactive = isatty(STDERR_FILENO) != 0
    }

    public var elapsed: TimeInterval { Date().timeIntervalSince(start) }

    /// `done` units of `total` are finished; `detail` is appended (e.g. "loss 0.41  212 ex/s").
    public func update(_ done: Int, detail: String = "", force: Bool = false) {
        guard !quiet else { return }
        let now = Date()
        let finished = done >= total
        let interval = interactive ? 0.2 : plainInterval
        guard force || finished || now.timeIntervalSince(lastDraw) >= interval else { return }
        lastDraw = now
        let fraction = Double(min(done, total)) / Double(total)
        let seconds = elapsed
        let eta = done > 0 ? seconds / Double(done) * Double(total - min(done, total)) : 0
        let timing = finished ? "in \(Self.clock(seconds))" : "ETA \(Self.clock(eta))"
        let counts = "\(done)/\(total)"
        if interactive {
            let width = 24, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let line = "\(title) \(bar) \(String(format: "%3.0f%%", fraction * 100)) \(counts) \(timing)  \(detail)"
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + (finished ? "\n" : "")).utf8))
        } else {
            let line = "\(title) \(String(format: "%5.1f%%", fraction * 100)) \(counts) \(timing)  \(detail)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    static func clock(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// Writes a line to stderr (status messages that must not mix with stdout results).
public func printStatus(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
