import Jobs
import Logging
import ServiceLifecycle

/// `fastbert serve` as a swift-service-lifecycle `Service`: a consumer-group member that
/// classifies every record of the input topics into exactly one output (or dead letter) and
/// commits offsets only behind acknowledged outputs (at-least-once). On graceful shutdown or
/// task cancellation it stops fetching, drains in-flight batches, flushes the producer,
/// commits and leaves the group, bounded by `shutdownTimeout`.
public final class ServePipeline: Service, @unchecked Sendable {
    private let loop: GroupFetchLoop
    public let metrics: PipelineMetrics
    public let health: PipelineHealth

    public init(
        configuration: ServeConfiguration, model: ModelBundle, metrics: PipelineMetrics? = nil,
        health: PipelineHealth = PipelineHealth(), logger: Logger = Logger(label: "fastbert.serve")
    ) {
        let metrics = metrics ?? PipelineMetrics(numLayers: model.numLayers)
        self.metrics = metrics
        self.health = health
        metrics.recordModel(id: model.modelId)
        health.observeReadiness { [ready = metrics.ready] in ready.record($0 ? 1 : 0) }
        loop = GroupFetchLoop(configuration: configuration, model: model, metrics: metrics, health: health, logger: logger)
    }

    /// Asks the pipeline to stop (same as a graceful shutdown).
    public func stop() { loop.requestStop() }

    public func run() async throws {
        let loop = self.loop
        let result = await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, PipelineError>, Never>) in
                    PipelineThread.start(name: "fastbert-consumer") {
                        continuation.resume(returning: loop.run())
                    }
                }
            } onCancel: {
                loop.requestStop()
            }
        } onGracefulShutdown: {
            loop.requestStop()
        }
        try result.get()
    }
}
