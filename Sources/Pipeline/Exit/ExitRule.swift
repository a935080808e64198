import FastBERT

/// Which exit policy `serve` and `replay` apply to a micro-batch.
public enum ExitRule: Sendable, Equatable {
    /// The paper's criterion at one speed (normalized entropy threshold; 0 = full depth).
    case speed(Float)
    /// The paper's criterion with a speed that rises under backlog and falls back as it drains.
    case adaptive(AdaptiveSpeed)
    /// The per-layer policy `fastbert calibrate` wrote into the model folder.
    case calibrated(ExitPolicy)
}

/// Adaptive speed: the speed starts at `baseSpeed`; at each tick where consumer lag or queue wait
/// is over its target it rises by a quarter of the way to `maxSpeed`, and where both are under
/// half their targets it falls back by the same step, never below `baseSpeed`.
public struct AdaptiveSpeed: Sendable, Equatable {
    public enum Defaults {
        public static let targetLag: Int64 = 2_000
        public static let tick: Duration = .seconds(1)
    }

    public var baseSpeed: Float
    public var maxSpeed: Float
    /// Records behind (all assigned partitions together) that count as a backlog.
    public var targetLag: Int64
    /// Queue wait of the oldest record in a batch that counts as a backlog; nil: lag only.
    public var targetWait: Duration?
    /// How often the speed may move by one step.
    public var tick: Duration

    public init(baseSpeed: Float, maxSpeed: Float, targetLag: Int64 = Defaults.targetLag,
                targetWait: Duration? = nil, tick: Duration = Defaults.tick) {
        self.baseSpeed = baseSpeed
        self.maxSpeed = max(baseSpeed, maxSpeed)
        self.targetLag = max(1, targetLag)
        self.targetWait = targetWait
        self.tick = tick
    }

    var step: Float { (maxSpeed - baseSpeed) / 4 }
}

/// The exit one record got: the policy the engine ran and what output records and metrics say of it.
struct AppliedExit: Sendable, Equatable {
    enum Source: String, Sendable {
        /// `--speed`.
        case speed
        /// The adaptive controller's current speed.
        case adaptive
        /// The model folder's calibrated policy.
        case calibrated
        /// The record's own `fastbert-speed` header.
        case header
    }

    var source: Source
    /// The entropy threshold when the policy is the paper's criterion; nil for a calibrated policy.
    var speed: Float?
    var policy: ExitPolicy

    static func speed(_ speed: Float, source: Source, layers: Int) -> AppliedExit {
        AppliedExit(source: source, speed: speed, policy: .speed(speed, layers: layers))
    }
}
