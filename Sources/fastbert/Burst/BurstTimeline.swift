/// What one burst run saw, second by second: records behind (produced, not yet answered) and the
/// accuracy of the records produced in each window, plus the summary figures.
struct BurstTimeline: Sendable, Codable {
    struct Sample: Sendable, Codable {
        var second: Double
        var behind: Int
        var speed: Double
    }

    struct Window: Sendable, Codable {
        var start: Double
        var accuracy: Double?
        var count: Int
    }

    var label: String
    var samples: [Sample] = []
    var windows: [Window] = []
    var burstStart: Double
    var burstEnd: Double
    var accuracy = 0.0
    var burstAccuracy = 0.0
    var peakBehind = 0
    /// Seconds from the burst's end until no more than one second of the steady input is behind
    /// (nil if that never happened before the run ended).
    var recoverySeconds: Double?
    var meanExitLayer = 0.0
}
