import Foundation

/// A value guarded by a lock, shared by this package's modules (`package` access, not public API).
/// `Synchronization.Mutex` would need macOS 15 and cannot be captured by the escaping closures
/// that the librdkafka-facing threads run.
package final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) { self.value = value }

    package func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    package var current: Value { withLock { $0 } }

    package func set(_ newValue: Value) { withLock { $0 = newValue } }
}
