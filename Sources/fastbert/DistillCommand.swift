import ArgumentParser
import FastBERT
import Foundation

struct DistillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Stage 2: self-distillation; train every student on KL(student || teacher). No labels needed.")

    @Option(help: "Model folder with a trained teacher (from `fastbert train`).") var model: String
    @Option(help: "Output model folder (checkpoints go to OUT/checkpoint).") var out: String
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var optimizer: OptimizerOptions
    @Option(help: "Also write the classifier heads alone (float16, with labels) to this .safetensors file.")
    var headsOut: String?

    func validate() throws { try optimizer.validateValues() }

    func run() throws {
        let options = optimizer.options(defaultEpochs: 5, defaultRate: 2e-4, dropout: 0)
        let data = try dataOptions.read(withLabels: false, seed: options.seed)
        let (report, losses) = try Distillation.run(
            modelDirectory: model, data: data, outDirectory: out, options: options, resume: optimizer.resume,
            threads: max(1, optimizer.threads))
        printReport(report, stage: "distill", out: out)
        if let headsOut, report.completed {
            try ModelHeads.save(try ModelDirectory.load(out), to: headsOut)
            print("distill: heads written to \(headsOut)")
        }
        print("distill: mean KL per student over the last epoch: "
            + losses.enumerated().map { String(format: "L%d %.4f", $0.offset + 1, $0.element) }.joined(separator: "  "))
    }
}
