import Dispatch

/// Monotonic nanoseconds (uptime), cheap to take and `Sendable`, for latency measurements.
enum MonotonicTime {
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static func seconds(since start: UInt64, until end: UInt64 = now()) -> Double {
        end >= start ? Double(end - start) / 1e9 : 0
    }
}

extension Duration {
    /// Whole nanoseconds, clamped at zero.
    var nanoseconds: UInt64 {
        let (seconds, attos) = components
        if seconds < 0 { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attos / 1_000_000_000)
    }

    var seconds: Double { Double(nanoseconds) / 1e9 }
}
