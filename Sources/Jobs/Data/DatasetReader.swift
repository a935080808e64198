import Foundation

/// Reads a TextDataset from a file whose format follows its extension: .tsv/.txt (tabs), .csv, .jsonl/.json.
/// Files named like GLUE's SMSSpamCollection (no extension) are read as TSV.
public enum DatasetReader {
    public enum Header: String, Sendable, CaseIterable { case auto, yes, no }

    static let textNames = ["sentence", "text", "description", "text_a", "content", "review", "document"]
    static let labelNames = ["label", "labels", "category", "class", "intent", "target"]

    /// - Parameters:
    ///   - textColumn, labelColumn: names or indices; nil picks a well-known header name, else
    ///     the last column for text and the first for the label (headerless files).
    ///   - withLabels: false reads texts only (distillation).
    public static func read(
        path: String, textColumn: DataColumn? = nil, labelColumn: DataColumn? = nil, withLabels: Bool = true,
        header: Header = .auto
    ) throws -> TextDataset {
        guard let data = FileManager.default.contents(atPath: path) else { throw DataFileError.unreadable(path) }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }  // a UTF-8 byte-order mark
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        if ext == "jsonl" || ext == "json" {
            return try readJSONLines(text, path: path, textKey: textColumn, labelKey: labelColumn, withLabels: withLabels)
        }
        let rows = ext == "csv" ? DelimitedText.parseCSV(text) : DelimitedText.parseTSV(text)
        guard !rows.isEmpty else { throw DataFileError.empty(path) }
        let hasHeader: Bool
        switch header {
        case .yes: hasHeader = true
        case .no: hasHeader = false
        case .auto: hasHeader = looksLikeHeader(rows, named: [textColumn, labelColumn])
        }
        let names = hasHeader ? rows[0] : nil
        let body = hasHeader ? Array(rows.dropFirst()) : rows
        let width = rows[0].count
        let textIndex = try resolve(textColumn, names: names, defaults: textNames, fallback: width - 1, path: path)
        let labelIndex = withLabels
            ? try resolve(labelColumn, names: names, defaults: labelNames, fallback: 0, path: path) : nil
        var texts: [String] = [], labels: [String] = []
        texts.reserveCapacity(body.count)
        for (number, row) in body.enumerated() {
            let needed = max(textIndex, labelIndex ?? 0) + 1
            guard row.count >= needed else {
                throw DataFileError.shortRow(file: path, row: number + (hasHeader ? 2 : 1), needed: needed, found: row.count)
            }
            texts.append(row[textIndex].trimmingCharacters(in: .whitespacesAndNewlines))
            if let labelIndex { labels.append(row[labelIndex].trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        return TextDataset(texts: texts, labels: withLabels ? labels : nil)
    }

    /// A header row is assumed when a column was named, or when every first-row field is a short
    /// identifier and some first-row field never appears again in its column (as "label" does not).
    static func looksLikeHeader(_ rows: [[String]], named: [DataColumn?]) -> Bool {
        if named.contains(where: { if case .name = $0 { true } else { false } }) { return true }
        let first = rows[0]
        let identifier = first.allSatisfy { field in
            !field.isEmpty && field.count <= 32 && field.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == " " }
        }
        guard identifier, rows.count > 1 else { return false }
        let sample = rows.dropFirst().prefix(2000)
        return first.indices.contains { column in
            !sample.contains { $0.count > column && $0[column] == first[column] }
        }
    }

    static func resolve(_ column: DataColumn?, names: [String]?, defaults: [String], fallback: Int, path: String) throws -> Int {
        switch column {
        case .index(let index)?:
            return index
        case .name(let name)?:
            guard let index = names?.firstIndex(of: name) else {
                throw DataFileError.missingColumn(file: path, column: .name(name), header: names)
            }
            return index
        case nil:
            if let names, let index = defaults.lazy.compactMap({ names.firstIndex(of: $0) }).first { return index }
            return fallback
        }
    }

    static func readJSONLines(
        _ text: String, path: String, textKey: DataColumn?, labelKey: DataColumn?, withLabels: Bool
    ) throws -> TextDataset {
        func key(_ column: DataColumn?, _ fallback: String) -> String {
            if case .name(let name)? = column { return name }
            return fallback
        }
        let textName = key(textKey, "text"), labelName = key(labelKey, "label")
        var texts: [String] = [], labels: [String] = []
        for (number, line) in text.split(separator: "\n").enumerated() where !line.allSatisfy(\.isWhitespace) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw DataFileError.badJSON(file: path, line: number + 1)
            }
            guard let value = object[textName] else {
                throw DataFileError.missingColumn(file: path, column: .name(textName), header: object.keys.sorted())
            }
            texts.append("\(value)")
            if withLabels {
                guard let label = object[labelName] else {
                    throw DataFileError.missingColumn(file: path, column: .name(labelName), header: object.keys.sorted())
                }
                labels.append("\(label)")
            }
        }
        guard !texts.isEmpty else { throw DataFileError.empty(path) }
        return TextDataset(texts: texts, labels: withLabels ? labels : nil)
    }
}
