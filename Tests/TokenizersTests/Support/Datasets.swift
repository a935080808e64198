import Foundation

/// The texts of the shared labelled data sets.
enum Datasets {
    /// SST-2 dev: `sentence<TAB>label` with a header.
    static func sst2Sentences() throws -> [String] {
        try lines(of: "sst2/dev.tsv").dropFirst().map { line in
            guard let tab = line.lastIndex(of: "\t") else { throw ParityError("SST-2 line without a tab: \(line)") }
            return String(line[..<tab])
        }
    }

    /// ChnSentiCorp dev: `label<TAB>text_a` with a header.
    static func chnSentiCorpTexts() throws -> [String] {
        try lines(of: "chnsenticorp/dev.tsv").dropFirst().map { line in
            guard let tab = line.firstIndex(of: "\t") else { throw ParityError("ChnSentiCorp line without a tab: \(line)") }
            return String(line[line.index(after: tab)...])
        }
    }

    /// AG News test descriptions: the third field of `"label","title","description"`.
    static func agNewsDescriptions() throws -> [String] {
        try CSV.records(in: String(decoding: Data(contentsOf: ParityEnvironment.dataFile("ag_news/test.csv")), as: UTF8.self))
            .map { record in
                guard record.count == 3 else { throw ParityError("AG News record with \(record.count) fields: \(record)") }
                return record[2]
            }
    }

    /// Lines split on LF only (a Character split would also cut at U+2028 and friends), CR trimmed.
    private static func lines(of relativePath: String) throws -> [String] {
        let data = try Data(contentsOf: ParityEnvironment.dataFile(relativePath))
        return data.split(separator: 0x0A).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
    }
}
