import AWSWire
import Foundation
import Logging

/// Writes one JSON object per log line to standard error:
/// `{"time":"...","level":"info","label":"gatehouse","message":"...","request.id":"..."}`.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line: [String: AWSValue] = [
            "time": .string(Timestamp.iso8601(Date())),
            "level": .string(event.level.rawValue),
            "label": .string(label),
            "message": .string("\(event.message)"),
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            line[key] = .string("\(value)")
        }
        FileHandle.standardError.write(Data((JSONWriter.write(.object(line)) + "\n").utf8))
    }
}
