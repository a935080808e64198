import Kafka

/// The faults of a chaos run, drawn once from the seed: SIGKILLs of members, broker outages and
/// bursts of injected request errors, at moments spread over the production window.
struct ChaosFaults {
    enum Fault {
        case kill
        case outage(broker: Int32, seconds: Double)
        case inject(KafkaApiKey, [KafkaErrorCode])
    }

    /// (seconds from the start, fault), in time order.
    var schedule: [(at: Double, fault: Fault)]

    /// The retriable errors injected: leader changes, timeouts, dropped connections.
    static let injectable: [(KafkaApiKey, [KafkaErrorCode])] = [
        (.produce, [.notLeaderForPartition, .requestTimedOut, .transport]),
        (.fetch, [.notLeaderForPartition, .transport]),
        (.offsetCommit, [.requestTimedOut]),
    ]

    init(kills: Int, outages: Int, injections: Int, brokers: Int, window: Double, seed: UInt64) {
        var rng = ChaosRandom(seed: seed)
        func moment() -> Double { window * (0.1 + 0.8 * rng.unit()) }
        var schedule: [(at: Double, fault: Fault)] = []
        for _ in 0..<kills { schedule.append((moment(), .kill)) }
        for _ in 0..<outages {
            schedule.append((moment(), .outage(broker: Int32(1 + rng.below(brokers)), seconds: 1 + 2 * rng.unit())))
        }
        for _ in 0..<injections {
            let (api, codes) = Self.injectable[rng.below(Self.injectable.count)]
            schedule.append((moment(), .inject(api, (0..<3).map { _ in codes[rng.below(codes.count)] })))
        }
        self.schedule = schedule.sorted { $0.at < $1.at }
    }
}

/// A small deterministic generator (SplitMix64), so that a seed names a run.
struct ChaosRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
