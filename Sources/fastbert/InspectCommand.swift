import ArgumentParser
import FastBERT
import Foundation

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show a model folder's config, tensors, parameter count and FastBERT heads.")

    @Argument(help: "Model folder.")
    var directory: String

    @Flag(help: "List every tensor with dtype and shape.")
    var tensors = false

    func run() throws {
        let (model, unused) = try ModelDirectory.loadReportingUnused(directory)
        let file = try SafeTensorsFile(path: directory + "/" + ModelDirectory.weightsFile)
        let c = model.config
        print("model:        \(directory)")
        print("architecture: BERT, \(c.numLayers) layers, hidden \(c.hiddenSize), \(c.numHeads) heads, "
              + "intermediate \(c.intermediateSize), vocab \(c.vocabSize), max positions \(c.maxPositions)")
        print("parameters:   \(model.parameterCount.formatted()) loaded (\(file.entries.count) tensors in file)")
        if !unused.isEmpty { print("not used:     \(unused.joined(separator: ", "))") }
        let dtypes = Dictionary(grouping: file.entries.values, by: \.dtype).mapValues(\.count)
        print("dtypes:       " + dtypes.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: ", "))
        if model.hasClassifiers {
            print("classifiers:  \(model.classifiers.count) (students after layers 1-\(c.numLayers - 1), teacher after \(c.numLayers)), "
                  + "width \(c.fastbert.classifierHidden), \(c.fastbert.classifierHeads) attention heads")
            print("labels:       \(c.fastbert.labels.joined(separator: ", "))")
        }
        print("heads:        \(model.headStatus)")
        if !c.fastbert.modelId.isEmpty { print("model id:     \(c.fastbert.modelId)") }
        if tensors {
            for name in file.tensorNames {
                let e = file.entries[name]!
                print("  \(name)  \(e.dtype) \(e.shape)")
            }
        }
    }
}
