import Foundation

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
