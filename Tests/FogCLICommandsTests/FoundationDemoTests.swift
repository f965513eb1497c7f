@testable import FogCLICommands
import Testing

@Suite struct FoundationDemoTests {
    @Test func runsEndToEndAndProvesAReading() throws {
        var lines: [String] = []
        let report = try FoundationDemo(devices: 3, readingsPerDevice: 7, batchSize: 3, seed: 9).run { lines.append($0) }
        guard case .object(let json) = report.json else {
            Issue.record("report is not an object")
            return
        }
        #expect(json["readings"] == .uint(21))
        // Devices 0 and 2 sign singly (7 each); device 1 signs 7 readings in batches of 3, 3 and 1.
        #expect(json["singleEnvelopes"] == .uint(14))
        #expect(json["batchEnvelopes"] == .uint(3))
        #expect(lines.contains { $0.contains("verifies; a tampered copy is rejected") })
    }

    @Test func sameSeedSameRoot() throws {
        let first = try FoundationDemo(devices: 3, readingsPerDevice: 4, batchSize: 2, seed: 5).run { _ in }
        let second = try FoundationDemo(devices: 3, readingsPerDevice: 4, batchSize: 2, seed: 5).run { _ in }
        guard case .object(let a) = first.json, case .object(let b) = second.json else {
            Issue.record("report is not an object")
            return
        }
        #expect(a["readingsRoot"] == b["readingsRoot"])
    }
}
