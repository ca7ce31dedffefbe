import Logging

/// The default text format, exactly swift-log's `StreamLogHandler` on standard error, with the metadata formatted
/// when a line is written rather than whenever it changes: every request sets its id on its logger, and
/// `StreamLogHandler` re-renders its metadata on each change, a cost paid even when nothing is logged.
struct TextLogHandler: StoredMetadataLogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    func log(event: LogEvent) {
        var stream = StreamLogHandler.standardError(label: label)
        stream.logLevel = .trace
        stream.metadata = metadata
        stream.log(event: event)
    }
}

/// A handler that keeps its logger's metadata as given and renders it only when writing a line.
protocol StoredMetadataLogHandler: LogHandler {
    var metadata: Logger.Metadata { get set }
}

extension StoredMetadataLogHandler {
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
