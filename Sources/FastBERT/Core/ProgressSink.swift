/// Where the engine's long runs (training stages, evaluation) report progress and status. The
/// engine prints nothing itself; its caller decides where reports go (a progress bar, a log,
/// nowhere). Called on the thread that runs the engine.
public struct ProgressSink: Sendable {
    /// `done` of `total` units are finished; `detail` holds the run's current figures.
    public var update: @Sendable (_ done: Int, _ total: Int, _ detail: String) -> Void
    /// A one-off message, such as where a resumed run continues.
    public var status: @Sendable (_ message: String) -> Void

    public init(
        update: @escaping @Sendable (_ done: Int, _ total: Int, _ detail: String) -> Void,
        status: @escaping @Sendable (_ message: String) -> Void
    ) {
        self.update = update
        self.status = status
    }

    public static let silent = ProgressSink(update: { _, _, _ in }, status: { _ in })
}
