import Foundation
import Kafka
import ServiceLifecycle

/// The body of a `Service.run()` whose work blocks (a Kafka poll loop): `body` runs on a thread of
/// its own named `name`, and graceful shutdown sets `stop`, which `body` polls.
func runBlocking(named name: String, stop: Locked<Bool>, _ body: @escaping @Sendable () throws -> Void) async throws {
    try await withGracefulShutdownHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                do {
                    try body()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = name
            thread.start()
        }
    } onGracefulShutdown: {
        stop.set(true)
    }
}
