import Foundation
import XCTest

/// Debian's `chromium-headless-shell` (or `chromium`), run once per page load. Tests that need
/// it skip when neither is installed (scripts/install-deps installs it; CI runs that).
struct HeadlessBrowser {
    let path: String

    /// The browser, or an XCTSkip naming what is missing.
    static func require() throws -> HeadlessBrowser {
        let names = ["chromium-headless-shell", "chromium"]
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init) + ["/usr/bin"]
        for name in names {
            for dir in dirs where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
                return HeadlessBrowser(path: dir + "/" + name)
            }
        }
        throw XCTSkip("no headless browser: install Debian's chromium-headless-shell (scripts/install-deps does)")
    }

    /// The DOM after the page's scripts ran for `virtualMilliseconds` of virtual time.
    func dumpDOM(_ url: String, virtualMilliseconds: Int = 7000) throws -> String {
        try run(["--dump-dom", url], virtualMilliseconds: virtualMilliseconds)
    }

    /// Saves a PNG of the page after its scripts ran.
    func screenshot(_ url: String, to path: String, virtualMilliseconds: Int = 7000) throws {
        _ = try run(["--screenshot=\(path)", "--window-size=1200,980", "--hide-scrollbars", url],
                    virtualMilliseconds: virtualMilliseconds)
    }

    private func run(_ arguments: [String], virtualMilliseconds: Int) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        // --no-sandbox: CI runs the tests as root, where Chromium's sandbox refuses to start.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--user-data-dir=\(NSTemporaryDirectory())fastbert-browser-\(UUID().uuidString)",
                             "--virtual-time-budget=\(virtualMilliseconds)"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let killer = DispatchWorkItem { process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: killer)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        killer.cancel()
        guard process.terminationStatus == 0 else {
            throw HarnessError("\(path) \(arguments) exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Reads values out of a dumped DOM by element id.
struct RenderedPage {
    let dom: String

    /// The text of the element with this id (nil if absent).
    func text(_ id: String) -> String? {
        let pattern = "id=\"\(NSRegularExpression.escapedPattern(for: id))\"[^>]*>([^<]*)<"
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: dom, range: NSRange(dom.startIndex..., in: dom)),
              let range = Range(match.range(at: 1), in: dom) else { return nil }
        return String(dom[range])
    }

    func number(_ id: String) -> Double? { text(id).flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
}
