import ArgumentParser

/// `--config FILE`. `ConfigLayers` reads it before ArgumentParser runs (it has to: the file's
/// settings become arguments); it is declared here so that `--help` shows it.
struct ConfigFileOptions: ParsableArguments {
    @Option(help: "YAML file of settings (option names as keys); flags override FASTBERT_<COMMAND>_<OPTION> environment variables, which override the file. See docs/operations.md.")
    var config: String?
}
