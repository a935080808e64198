import FastBERT
import Foundation

/// Texts with optional raw label strings, read from TSV, CSV or JSONL.
public struct TextDataset: Sendable, Equatable {
    public var texts: [String]
    /// One raw label per text (as written in the file), or nil when the file was read without labels.
    public var labels: [String]?

    public init(texts: [String], labels: [String]?) {
        self.texts = texts
        self.labels = labels
    }

    public var count: Int { texts.count }

    /// A seeded random sample of `limit` rows (file order kept), so sorted files still give a mix.
    public func sample(_ limit: Int?, seed: UInt64) -> TextDataset {
        guard let limit, limit < count else { return self }
        var rng = SeededRandom(seed: seed ^ 0x5A4D_504C_4500_0000)
        let chosen = Array(0..<count).shuffled(using: &rng).prefix(limit).sorted()
        return TextDataset(texts: chosen.map { texts[$0] }, labels: labels.map { all in chosen.map { all[$0] } })
    }

    /// The distinct labels, numerically sorted when all are integers, else alphabetically.
    public func labelSet() -> [String] {
        let distinct = Array(Set(labels ?? []))
        if distinct.allSatisfy({ Int($0) != nil }) { return distinct.sorted { Int($0)! < Int($1)! } }
        return distinct.sorted()
    }
}

/// A column given by header name or by 0-based index ("2").
public enum DataColumn: Sendable, Equatable, CustomStringConvertible {
    case name(String)
    case index(Int)

    public init(_ text: String) { self = Int(text).map { .index($0) } ?? .name(text) }

    public var description: String {
        switch self {
        case .name(let name): "'\(name)'"
        case .index(let index): "#\(index)"
        }
    }
}

public enum DataFileError: Error, CustomStringConvertible {
    case unreadable(String)
    case missingColumn(file: String, column: DataColumn, header: [String]?)
    case shortRow(file: String, row: Int, needed: Int, found: Int)
    case badJSON(file: String, line: Int)
    case empty(String)

    public var description: String {
        switch self {
        case .unreadable(let file): "cannot read \(file)"
        case .missingColumn(let file, let column, let header):
            "\(file): no column \(column)" + (header.map { " (header: \($0.joined(separator: ", ")))" } ?? " (file has no header row; give a 0-based index)")
        case .shortRow(let file, let row, let needed, let found): "\(file): row \(row) has \(found) fields, column index \(needed - 1) needed"
        case .badJSON(let file, let line): "\(file): line \(line) is not a JSON object"
        case .empty(let file): "\(file): no rows"
        }
    }
}
