import Foundation

/// A value guarded by a lock (portable stand-in for `Synchronization.Mutex`, which needs macOS 15).
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    var current: Value { withLock { $0 } }
}

extension Duration {
    /// Whole milliseconds, rounded up, clamped to `0...Int32.max` (librdkafka's timeout type).
    var kafkaMilliseconds: Int32 {
        let (seconds, attos) = components
        if seconds < 0 { return 0 }
        let ms = Double(seconds) * 1000 + (Double(attos) / 1e15).rounded(.up)
        return ms >= Double(Int32.max) ? Int32.max : Int32(ms)
    }
}

/// Sleeps the current OS thread (librdkafka-facing code is synchronous by design).
func sleepThread(milliseconds: Int) {
    Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)
}

extension String {
    /// Decodes a NUL-terminated C buffer.
    init(cBuffer: [CChar]) {
        self = String(decoding: cBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
