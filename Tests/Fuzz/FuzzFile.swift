import Foundation

/// The loaders under fuzz read files, so each input is written to one scratch file per process.
enum FuzzFile {
    nonisolated(unsafe) static var path = NSTemporaryDirectory() + "fastbert-fuzz-\(getpid())"

    static func write(_ bytes: UnsafeBufferPointer<UInt8>, suffix: String) -> String {
        let file = path + suffix
        FileManager.default.createFile(atPath: file, contents: Data(buffer: bytes))
        return file
    }
}
