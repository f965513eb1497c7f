import Logging
import Testing

@testable import FogCLICommands

@Suite struct StandardErrorLogHandlerTests {
    private static func event(_ message: Logger.Message, metadata: Logger.Metadata? = nil) -> LogEvent {
        LogEvent(level: .debug, message: message, metadata: metadata, source: "FogNode", file: #fileID, function: #function, line: #line)
    }

    /// The lines read as swift-log's `StreamLogHandler` writes them: metadata sorted by key.
    @Test func linesKeepTheStreamFormat() {
        let line = StandardErrorLogHandler.line(event: Self.event("committed block"), label: "fogledger.validator",
                                                metadata: ["node": "node1", "height": "12"], timestamp: "2026-11-22T10:00:00+0000")
        #expect(line == "2026-11-22T10:00:00+0000 debug fogledger.validator: height=12 node=node1 [FogNode] committed block\n")
        let bare = StandardErrorLogHandler.line(event: Self.event("started"), label: "", metadata: [:], timestamp: "T")
        #expect(bare == "T debug: [FogNode] started\n")
    }

    /// Metadata set on the handler, by a provider, on the event, and the event's error all reach the
    /// line, the later overriding the earlier.
    @Test func metadataIsMergedWhenALineIsWritten() {
        struct Failure: Error, CustomStringConvertible { var description: String { "disk full" } }
        var handler = StandardErrorLogHandler(label: "x", metadataProvider: .init { ["trace": "t1", "node": "provided"] })
        handler[metadataKey: "node"] = "node0"
        handler[metadataKey: "hb.request.id"] = "7"
        var event = Self.event("failed", metadata: ["trace": "t2"])
        event.error = Failure()
        let merged = handler.effectiveMetadata(event)
        #expect(merged["node"] == "provided" && merged["trace"] == "t2" && merged["hb.request.id"] == "7")
        #expect(merged["error.message"] == "disk full")
        #expect(handler[metadataKey: "hb.request.id"] == "7")
    }
}
