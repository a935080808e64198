import CRdKafka
import Dispatch
import Foundation

/// A dedicated OS thread that calls `rd_kafka_poll` until stopped, so librdkafka's queued
/// callbacks (delivery reports, errors) run on it. It keeps the handle alive while running.
final class PollThread: @unchecked Sendable {
    private let stopped = Locked(false)
    private let finished = DispatchSemaphore(value: 0)
    private let thread: Thread

    init(name: String, handle: KafkaHandle, intervalMs: Int32 = 100) {
        let stopped = self.stopped
        let finished = self.finished
        let thread = Thread {
            while !stopped.current {
                rd_kafka_poll(handle.rk, intervalMs)
            }
            finished.signal()
        }
        thread.name = name
        self.thread = thread
        thread.start()  // after `self.thread` is set, so `isCurrent` is race-free
    }

    /// True when called from inside a callback served by this thread.
    var isCurrent: Bool { Thread.current === thread }

    /// Stops polling; waits for the loop to exit unless called from the poll thread itself.
    func stop() {
        let first = stopped.withLock { s -> Bool in
            defer { s = true }
            return !s
        }
        guard first else { return }
        if !isCurrent { finished.wait() }
    }
}
