import Logging

/// A log handler that masks every known secret (`Secrets`) in the message and the metadata
/// before handing the event on.
struct RedactingLogHandler: LogHandler {
    var inner: any LogHandler

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(Secrets.redact(event.message.description))"
        event.metadata = event.metadata?.mapValues { .string(Secrets.redact($0.description)) }
        inner.log(event: event)
    }
}
