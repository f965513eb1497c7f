import Foundation
public import Logging

/// Log lines on standard error, in the format of swift-log's `StreamLogHandler`
/// (`2026-11-22T10:00:00+0000 info fogledger.node: key=value [Source] message`), with the
/// metadata formatted when a line is written instead of each time it changes.
///
/// The HTTP server gives every request a logger with its own request id; `StreamLogHandler` sorts
/// and formats all the logger's metadata on that change, which cost about 1.5 % of a dev node's CPU
/// at 10,000 requests/s (docs/benchmarks.md, "Round 9") for lines that are almost never written.
public struct StandardErrorLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata = Logger.Metadata()
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    /// A handler for the logger named `label`.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        write(Self.line(event: event, label: label, metadata: effectiveMetadata(event), timestamp: Self.timestamp()))
    }

    /// The handler's metadata, then the provider's, then the event's own, then its error's.
    func effectiveMetadata(_ event: LogEvent) -> Logger.Metadata {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        return merged
    }

    /// One line: time, level, label, the metadata sorted by key, source and message.
    static func line(event: LogEvent, label: String, metadata: Logger.Metadata, timestamp: String) -> String {
        let pretty = metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return "\(timestamp) \(event.level)\(label.isEmpty ? "" : " ")\(label):\(pretty) [\(event.source)] \(event.message)\n"
    }

    /// Local time to the second, with its offset (`strftime`'s `%Y-%m-%dT%H:%M:%S%z`).
    private static func timestamp() -> String {
        var now = time(nil)
        var local = tm()
        guard localtime_r(&now, &local) != nil else { return "<unknown>" }
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Writes `line` with `write(2)` on descriptor 2, unbuffered: a line goes out in one call, so
    /// the lines of several threads do not interleave.
    private func write(_ line: String) {
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(STDERR_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}

extension Logger {
    /// A logger named `label` writing ``StandardErrorLogHandler`` lines at `level` and above.
    static func standardError(_ label: String, level: Logger.Level) -> Logger {
        var logger = Logger(label: label) { StandardErrorLogHandler(label: $0) }
        logger.logLevel = level
        return logger
    }
}
