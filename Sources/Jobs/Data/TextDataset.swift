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
        return rows(Array(0..<count).shuffled(using: &rng).prefix(limit).sorted())
    }

    /// Rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> TextDataset {
        TextDataset(texts: indices.map { texts[$0] }, labels: labels.map { all in indices.map { all[$0] } })
    }

    /// A seeded held-out split of about `fraction` of the rows, at most `limit`: per label when the
    /// rows have labels (so every label keeps its share on both sides), file order kept on each side.
    public func split(validationFraction fraction: Double, limit: Int, seed: UInt64) -> (train: TextDataset, validation: TextDataset) {
        let wanted = min(limit, Int((Double(count) * fraction).rounded()))
        guard wanted > 0, wanted < count else { return (self, TextDataset(texts: [], labels: labels.map { _ in [] })) }
        var rng = SeededRandom(seed: seed ^ 0x5641_4C49_4400_0000)
        let groups = Dictionary(grouping: 0..<count) { labels?[$0] ?? "" }
        var held: [Int] = []
        for key in groups.keys.sorted() {
            let members = groups[key]!.shuffled(using: &rng)
            held += members.prefix(Int((Double(members.count) * Double(wanted) / Double(count)).rounded()))
        }
        let heldSet = Set(held)
        return (rows((0..<count).filter { !heldSet.contains($0) }), rows(held.sorted()))
    }

    /// Writes `text<TAB>label` rows (or `text` alone) with a header, tabs and line breaks in texts
    /// turned into spaces, in the TSV form `DatasetReader` reads back.
    public func writeTSV(to path: String) throws {
        let clean = Self.tsvField
        var lines = [labels == nil ? "text" : "text\tlabel"]
        for (i, text) in texts.enumerated() {
            lines.append(labels.map { clean(text) + "\t" + clean($0[i]) } ?? clean(text))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A text as `writeTSV` writes it: tabs and line breaks become spaces.
    static func tsvField(_ text: String) -> String {
        String(text.map { $0 == "\t" || $0.isNewline ? " " : $0 })
    }

    /// These rows without the texts of `other` (compared as `writeTSV` writes them), and how many went.
    public func removing(textsOf other: TextDataset) -> (kept: TextDataset, removed: Int) {
        let unwanted = Set(other.texts.map(Self.tsvField))
        let kept = texts.indices.filter { !unwanted.contains(Self.tsvField(texts[$0])) }
        return (rows(kept), count - kept.count)
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
