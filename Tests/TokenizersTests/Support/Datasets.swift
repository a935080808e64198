import Jobs

/// The texts of the shared labelled data sets, read with the readers `fastbert train` uses.
enum Datasets {
    /// SST-2 dev: `sentence<TAB>label` with a header.
    static func sst2Sentences() throws -> [String] {
        try texts("sst2/dev.tsv", column: "sentence", header: .yes)
    }

    /// ChnSentiCorp dev: `label<TAB>text_a` with a header.
    static func chnSentiCorpTexts() throws -> [String] {
        try texts("chnsenticorp/dev.tsv", column: "text_a", header: .yes)
    }

    /// AG News test descriptions: the third field of `"label","title","description"`, no header.
    static func agNewsDescriptions() throws -> [String] {
        try texts("ag_news/test.csv", column: "2", header: .no)
    }

    private static func texts(_ relativePath: String, column: String, header: DatasetReader.Header) throws -> [String] {
        try DatasetReader.read(
            path: ParityEnvironment.dataFile(relativePath).path, textColumn: DataColumn(column), withLabels: false,
            header: header
        ).texts
    }
}
