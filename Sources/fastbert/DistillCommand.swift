import ArgumentParser
import FastBERT
import Foundation
import Jobs
import Kafka
import Pipeline

struct DistillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distill",
        abstract: "Stage 2: self-distillation; train every student on KL(student || teacher). No labels needed.",
        discussion: """
            The texts come from --data, or straight from a Kafka topic (--brokers B --from-topic T [--max-messages N]), \
            read with serve's decoder by direct assignment (no consumer group, nothing committed). Runs until the \
            students' summed KL falls by less than 1% in an epoch, or --epochs (default 10), and reports each \
            student's KL and its agreement with the teacher on held-out texts. Texts that are in MODEL/validation.tsv \
            (the rows `fastbert train` held out) are left out and the file is copied to OUT, so `fastbert calibrate \
            --data OUT/validation.tsv` scores students that never saw those rows.
            """)

    @OptionGroup(title: "Model (with a trained teacher, from `fastbert train`)") var model: ModelOptions
    @OptionGroup var tokens: TokenLimitOptions
    @OptionGroup var threads: ThreadsOptions
    @Option(help: "Output model folder (checkpoints go to OUT/checkpoint).") var out: String
    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var optimizer: OptimizerOptions
    @Option(help: "Also write the classifier heads alone (float16, with labels) to this .safetensors file.")
    var headsOut: String?
    @Option(help: "Fraction of the texts held out to measure agreement with the teacher.") var heldOutFraction: Double = 0.1
    @Option(help: "At most this many texts are held out.") var heldOutLimit: Int = 1000

    @Option(help: "Read the texts from this topic instead of --data (needs --brokers).") var fromTopic: String?
    @Option(help: "With --from-topic: stop after this many texts (default: the whole topic as of the start).")
    var maxMessages: Int?
    @OptionGroup var kafka: KafkaOptions
    @OptionGroup var input: InputOptions

    func validate() throws {
        guard (dataOptions.data == nil) != (fromTopic == nil) else { throw ValidationError("give exactly one of --data, --from-topic") }
        if fromTopic != nil { _ = try kafka.requiredBrokers() }
        if let maxMessages, maxMessages < 1 { throw ValidationError("--max-messages must be positive") }
        guard (0..<1).contains(heldOutFraction), heldOutLimit >= 0 else {
            throw ValidationError("--held-out-fraction must be in [0, 1) and --held-out-limit not negative")
        }
    }

    func run() throws {
        let options = optimizer.options(
            defaults: .init(epochs: 10, learningRate: 1e-3, batchSize: 32, warmup: 0.1), dropout: 0, tokens: tokens)
        let bundle = try model.bundle(threads: threads, tokens: tokens)
        let data: TextDataset
        if let fromTopic {
            let sample = try TopicTextReader.read(
                config: try kafka.clientConfig(), topic: fromTopic, decoder: input.decoder, maxMessages: maxMessages)
            print("distill: \(sample.texts.count) texts read from \(fromTopic) (\(sample.rejected) records rejected by the decoder)")
            guard sample.texts.count >= 2 else { throw CommandFailure("distill: '\(fromTopic)' gave \(sample.texts.count) texts; need at least 2") }
            data = TextDataset(texts: sample.texts, labels: nil)
        } else {
            data = try dataOptions.read(withLabels: false, seed: options.seed)
        }
        let result = try DistillJob.run(
            bundle: bundle, data: data, outDirectory: out, options: options, resume: optimizer.resume,
            heldOutFraction: heldOutFraction, heldOutLimit: heldOutLimit, tokenizerSource: model.model)
        printReport(result.report, stage: "distill", out: out)
        if let epoch = result.report.stoppedAfterEpoch { print("distill: KL stopped falling; stopped after epoch \(epoch)") }
        if let headsOut, result.report.completed {
            try ModelHeads.save(try ModelDirectory.load(out), to: headsOut)
            print("distill: heads written to \(headsOut)")
        }
        print("distill: mean KL per student over the last epoch: "
            + result.studentKL.enumerated().map { String(format: "L%d %.4f", $0.offset + 1, $0.element) }.joined(separator: "  "))
        if !result.agreement.isEmpty {
            print("distill: agreement with the teacher on \(result.heldOut) held-out texts: "
                + result.agreement.enumerated().map { String(format: "L%d %.1f%%", $0.offset + 1, $0.element * 100) }
                    .joined(separator: "  "))
        }
    }
}
