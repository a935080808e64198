import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// HTTP endpoint for monitoring: `/` (the live status page, `StatusPage`), `/metrics`
/// (Prometheus text format), `/healthz` (alive) and `/readyz` (consuming, no partition
/// stalled); the last two answer the state plus one line per stalled partition. A `Service`:
/// runs until graceful shutdown.
public struct MetricsServer: Service {
    private let host: String
    private let port: Int
    private let metrics: PipelineMetrics
    private let health: PipelineHealth
    private let logger: Logger
    private let onListening: @Sendable (Int) -> Void

    /// - Parameter onListening: called with the bound port (useful with port 0).
    public init(
        host: String = "127.0.0.1", port: Int, metrics: PipelineMetrics, health: PipelineHealth, logger: Logger,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.metrics = metrics
        self.health = health
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let router = Router()
        let metrics = self.metrics, health = self.health
        router.get("/") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: StatusPage.html)))
        }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/plain; version=0.0.4; charset=utf-8",
                    Self.uptimeHeader: String(format: "%.3f", MonotonicTime.seconds(since: 0)),
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
        router.get("healthz") { _, _ -> Response in
            Self.status(health.isHealthy, health.summary)
        }
        router.get("readyz") { _, _ -> Response in
            Self.status(health.isReady, health.summary)
        }
        let onListening = self.onListening, logger = self.logger
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "fastbert"),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                logger.info("metrics endpoint listening", metadata: ["port": "\(bound)"])
                onListening(bound)
            },
            logger: logger)
        try await app.run()
    }

    /// Monotonic seconds when /metrics was rendered: the status page's clock for rates.
    static let uptimeHeader = HTTPField.Name("x-fastbert-uptime")!

    private static func status(_ ok: Bool, _ text: String) -> Response {
        Response(
            status: ok ? .ok : .serviceUnavailable,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
