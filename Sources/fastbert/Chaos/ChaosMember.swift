import Foundation

/// One `fastbert serve` group member of a chaos run: a child process of this binary, its stderr
/// appended to `log`. Killed with SIGKILL, stopped with SIGTERM.
final class ChaosMember: @unchecked Sendable {
    let process = Process()
    let number: Int

    init(number: Int, arguments: [String], log: String) throws {
        self.number = number
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.executableURL = URL(fileURLWithPath: ChaosMember.binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = handle
        try process.run()
    }

    /// This executable (the chaos command runs serve from the same build).
    static var binary: String {
        Bundle.main.executablePath ?? CommandLine.arguments[0]
    }

    var isRunning: Bool { process.isRunning }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() { kill(process.processIdentifier, SIGTERM) }

    /// Exit status after SIGTERM, or nil if still running after `timeout` (then it is killed).
    func waitForExit(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !process.isRunning else {
            kill9()
            return nil
        }
        return process.terminationStatus
    }
}
