import ArgumentParser

@main
struct FastBERTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fastbert",
        abstract: "Classify text with FastBERT (early-exit BERT), from the command line or a Kafka stream.",
        version: FastBERTVersion.string,
        subcommands: [
            ClassifyCommand.self, TokenizeCommand.self, InspectCommand.self, BenchCommand.self, TrainCommand.self,
            DistillCommand.self, EvalCommand.self, CalibrateCommand.self, AttachHeadsCommand.self,
            ServeCommand.self, ReplayCommand.self, DemoCommand.self, KafkaMockCommand.self, PipelineBenchCommand.self,
        ]
    )
}
