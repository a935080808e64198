/// The release this binary reports with `fastbert --version`.
enum FastBERTVersion { static let string = "0.1.0" }
