/// The adaptive-speed rule on its own (no clock, no threads), so it can be tested step by step.
/// Observations between ticks are folded into the window: the worst queue wait and the latest lag.
struct SpeedController: Sendable {
    let settings: AdaptiveSpeed
    private(set) var speed: Float
    private var windowStartNanos: UInt64
    private var worstWaitNanos: UInt64 = 0
    private var lag: Int64 = 0

    init(_ settings: AdaptiveSpeed, nowNanos: UInt64) {
        self.settings = settings
        speed = settings.baseSpeed
        windowStartNanos = nowNanos
    }

    /// A batch started with its oldest record `waitNanos` after receipt.
    mutating func observe(waitNanos: UInt64, nowNanos: UInt64) -> Float? {
        worstWaitNanos = max(worstWaitNanos, waitNanos)
        return tickIfDue(nowNanos)
    }

    /// The lag monitor's latest total over the assigned partitions.
    mutating func observe(lag: Int64, nowNanos: UInt64) -> Float? {
        self.lag = lag
        return tickIfDue(nowNanos)
    }

    /// At most one step per tick; the new speed when it moved.
    private mutating func tickIfDue(_ now: UInt64) -> Float? {
        guard now &- windowStartNanos >= settings.tick.nanoseconds else { return nil }
        let targetWait = settings.targetWait?.nanoseconds
        let pressed = lag > settings.targetLag || targetWait.map { worstWaitNanos > $0 } ?? false
        let relieved = lag <= settings.targetLag / 2 && (targetWait.map { worstWaitNanos <= $0 / 2 } ?? true)
        windowStartNanos = now
        worstWaitNanos = 0
        let before = speed
        if pressed {
            speed = min(settings.maxSpeed, speed + settings.step)
        } else if relieved {
            speed = max(settings.baseSpeed, speed - settings.step)
        }
        // Steps are quarters: snap to the bounds so float drift never leaves a sliver above base.
        if abs(speed - settings.baseSpeed) < settings.step / 8 { speed = settings.baseSpeed }
        if abs(speed - settings.maxSpeed) < settings.step / 8 { speed = settings.maxSpeed }
        return speed == before ? nil : speed
    }
}
