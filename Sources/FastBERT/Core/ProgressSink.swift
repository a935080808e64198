/// Where long-running engine work (training, evaluation) reports progress: the engine prints
/// nothing itself, the caller decides where it goes.
public struct ProgressSink: Sendable {
    /// `done` units of `total` are finished; `detail` carries the running figures.
    public var update: @Sendable (_ done: Int, _ total: Int, _ detail: String) -> Void
    /// A one-off status line (e.g. resuming from a checkpoint).
    public var status: @Sendable (_ message: String) -> Void

    public init(
        update: @escaping @Sendable (Int, Int, String) -> Void, status: @escaping @Sendable (String) -> Void
    ) {
        self.update = update
        self.status = status
    }

    public static let silent = ProgressSink(update: { _, _, _ in }, status: { _ in })
}
