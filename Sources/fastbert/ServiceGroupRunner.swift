import Logging
import ServiceLifecycle

/// Runs `services` in a ServiceGroup that shuts down gracefully on SIGTERM/SIGINT; the first
/// service ending (or failing) shuts the whole group down.
func runServices(_ services: [any Service], logger: Logger, shutdownTimeout: Duration) async throws {
    let configurations = services.map {
        ServiceGroupConfiguration.ServiceConfiguration(
            service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
            failureTerminationBehavior: .gracefullyShutdownGroup)
    }
    var configuration = ServiceGroupConfiguration(
        services: configurations, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger)
    configuration.maximumGracefulShutdownDuration = shutdownTimeout + .seconds(10)
    try await ServiceGroup(configuration: configuration).run()
}
