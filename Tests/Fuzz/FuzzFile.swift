import Foundation

/// The loaders under fuzz read files, so each input is written to one scratch file per process.
enum FuzzFile {
    static let path = NSTemporaryDirectory() + "fastbert-fuzz-\(getpid())"

    static func write(_ bytes: UnsafeBufferPointer<UInt8>, suffix: String) -> String {
        let file = path + suffix
        guard FileManager.default.createFile(atPath: file, contents: Data(buffer: bytes)) else {
            fatalError("cannot write the fuzz scratch file \(file)")
        }
        return file
    }
}
