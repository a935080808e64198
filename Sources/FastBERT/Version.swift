public enum FastBERTVersion { public static let string = "0.1.0" }
