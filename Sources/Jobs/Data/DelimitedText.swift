/// Splits delimited text into rows of fields. CSV follows RFC 4180 (quoted fields may hold
/// commas, doubled quotes and newlines); TSV splits on tabs with no quoting, as GLUE writes it.
enum DelimitedText {
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field: [UInt8] = []
        var inQuotes = false, fieldWasQuoted = false
        let bytes = Array(text.utf8)
        var i = 0
        func endField() {
            row.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRow() {
            endField()
            if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
            row = []
        }
        while i < bytes.count {
            let byte = bytes[i]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\""), field.isEmpty, !fieldWasQuoted {
                inQuotes = true
                fieldWasQuoted = true
            } else if byte == UInt8(ascii: ",") {
                endField()
            } else if byte == UInt8(ascii: "\n") {
                endRow()
            } else if byte != UInt8(ascii: "\r") {
                field.append(byte)
            }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty { endRow() }
        return rows
    }

    /// Lines end at LF or CRLF only ("\r\n" is one Character, so splitting on "\n" alone would keep
    /// CRLF files in one line; splitting on `isNewline` would also cut at U+2028 inside a text).
    static func parseTSV(_ text: String) -> [[String]] {
        text.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" }.map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
