import Foundation

/// Starts a named OS thread with a large stack (inference and librdkafka loops are
/// synchronous by design and must not block Swift's cooperative pool).
enum PipelineThread {
    @discardableResult
    static func start(name: String, _ body: @escaping @Sendable () -> Void) -> Thread {
        let thread = Thread(block: body)
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
        return thread
    }
}

/// A one-shot latch: `signal()` once, `wait(timeout:)` from any thread.
final class Latch: @unchecked Sendable {
    private let condition = NSCondition()
    private var open = false

    func signal() {
        condition.lock()
        open = true
        condition.broadcast()
        condition.unlock()
    }

    /// True if the latch opened before the timeout.
    @discardableResult
    func wait(timeout: Duration? = nil) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = timeout.map { Date().addingTimeInterval($0.seconds) }
        while !open {
            if let deadline {
                if !condition.wait(until: deadline) { return open }
            } else {
                condition.wait()
            }
        }
        return true
    }
}
