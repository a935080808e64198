import Foundation

extension WordPieceTokenizer {
    /// tokenizer.json when the directory has one, else vocab.txt with tokenizer_config.json's
    /// settings (or BERT-uncased defaults without it).
    public static func load(modelDirectory: URL) throws(TokenizerError) -> WordPieceTokenizer {
        let tokenizerJSON = modelDirectory.appendingPathComponent("tokenizer.json")
        if TokenizerFiles.exists(tokenizerJSON) {
            return try WordPieceTokenizer(tokenizerJSON: tokenizerJSON)
        }
        let vocabFile = modelDirectory.appendingPathComponent("vocab.txt")
        guard TokenizerFiles.exists(vocabFile) else { throw .noTokenizerFiles(directory: modelDirectory) }
        let configFile = modelDirectory.appendingPathComponent("tokenizer_config.json")
        let configuration = TokenizerFiles.exists(configFile)
            ? try WordPieceConfiguration(tokenizerConfig: configFile)
            : WordPieceConfiguration()
        return try WordPieceTokenizer(vocabFile: vocabFile, configuration: configuration)
    }
}
