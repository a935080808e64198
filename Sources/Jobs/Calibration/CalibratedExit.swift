import FastBERT
import Foundation

/// `exit-policy.json` in a model folder: the policy `fastbert calibrate` chose, with what it was
/// chosen on, so `--exit calibrated` can use it and an operator can see where it came from.
public struct CalibratedExit: Sendable, Equatable, Codable {
    public static let fileName = "exit-policy.json"

    public var policy: ExitPolicy
    /// Allowed drop from full depth, in points, and the standard errors added before comparing.
    public var budget: Double
    public var z: Double
    /// The labelled data the policy was chosen on, and its size.
    public var data: String
    public var examples: Int
    public var fullDepthAccuracy: Double
    public var accuracy: Double
    public var flopsSpeedup: Double
    /// Measured on `data` with the engine, best of the timed passes; nil if not timed.
    public var wallClockSpeedup: Double?
    /// False when no policy within the budget beat full depth: the file then holds full depth.
    public var paysOff: Bool

    public init(
        policy: ExitPolicy, budget: Double, z: Double, data: String, examples: Int, fullDepthAccuracy: Double,
        accuracy: Double, flopsSpeedup: Double, wallClockSpeedup: Double?, paysOff: Bool
    ) {
        self.policy = policy
        self.budget = budget
        self.z = z
        self.data = data
        self.examples = examples
        self.fullDepthAccuracy = fullDepthAccuracy
        self.accuracy = accuracy
        self.flopsSpeedup = flopsSpeedup
        self.wallClockSpeedup = wallClockSpeedup
        self.paysOff = paysOff
    }

    public static func path(in directory: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
    }

    /// The folder's calibrated policy, nil when the folder has none.
    public static func load(from directory: String, numLayers: Int) throws(ModelBundleError) -> CalibratedExit? {
        let path = path(in: directory)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let calibrated: CalibratedExit
        do {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            calibrated = try decoder.decode(CalibratedExit.self, from: data)
        } catch {
            throw .unreadable(directory: directory, reason: "\(fileName): \(error)")
        }
        let policy = calibrated.policy
        let thresholdsFit = policy.criterion == .patience || policy.thresholds.count == numLayers - 1
        guard thresholdsFit, policy.thresholds.allSatisfy({ $0.isFinite && $0 >= 0 }), policy.patience >= 0 else {
            throw .unreadable(directory: directory, reason: "\(fileName): the policy does not fit a \(numLayers)-layer model")
        }
        return calibrated
    }

    public func write(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(self).write(to: URL(fileURLWithPath: Self.path(in: directory)))
    }

    /// One line for logs and reports.
    public var summary: String {
        guard paysOff else {
            return String(format: "no exit policy within %.2f points of full depth beats full depth on %@; serve with --speed 0",
                          budget, data)
        }
        let wall = wallClockSpeedup.map { String(format: ", %.2fx wall clock", $0) } ?? ""
        return String(format: "%@: %.2f%% against %.2f%% at full depth, %.2fx FLOPs%@ on %@ (%d examples)",
                      policy.description, accuracy * 100, fullDepthAccuracy * 100, flopsSpeedup, wall, data, examples)
    }
}

extension ExitPolicy: CustomStringConvertible {
    public var description: String {
        switch criterion {
        case .patience: return "patience \(patience)"
        case .entropy, .maxProbability:
            return "\(criterion.rawValue) thresholds [" + thresholds.map { String(format: "%.3g", $0) }.joined(separator: ", ") + "]"
        }
    }
}
