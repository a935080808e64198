import Synchronization

/// A value guarded by a `Synchronization.Mutex`, shared by this package's modules (`package`
/// access, not public API). A class, because a `Mutex` cannot be copied and so cannot be
/// captured by the escaping closures that the librdkafka-facing threads run; a reference to
/// this box can.
package final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    package init(_ value: Value) { mutex = Mutex(value) }

    package func withLock<R: Sendable, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        try mutex.withLock { value throws(E) in try body(&value) }
    }

    package var current: Value { withLock { $0 } }

    package func set(_ newValue: Value) { withLock { $0 = newValue } }
}
