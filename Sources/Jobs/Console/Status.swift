import Foundation

/// Writes a line to stderr (status messages that must not mix with stdout results).
public func printStatus(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
