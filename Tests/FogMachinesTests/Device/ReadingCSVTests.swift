import FogCore
import FogCrypto
import FogDevice
import FogTypes
import Testing

@Suite struct ReadingCSVTests {
    @Test func namedColumnsBecomeAMap() throws {
        let csv = try ReadingCSV(header: "time,temp,door,site")
        #expect(csv.columns == ["temp", "door", "site"])
        let row = try csv.row("1700000000000, 4.5,true,\"dock 4, north\"", line: 2)
        #expect(row.timeMillis == 1_700_000_000_000)
        #expect(row.content == .inline(.map([
            CBORMapEntry(.text("temp"), .float(4.5)), CBORMapEntry(.text("door"), .bool(true)),
            CBORMapEntry(.text("site"), .text("dock 4, north")),
        ])))
        let sparse = try csv.row(",-3,,", line: 3)
        #expect(sparse.timeMillis == nil)
        #expect(sparse.content == .inline(.map([CBORMapEntry(.text("temp"), .int(-3))])))
    }

    @Test func aSingleValueColumnIsTheValue() throws {
        let csv = try ReadingCSV(header: "value")
        #expect(try csv.row("21", line: 2).content == .inline(.unsigned(21)))
        #expect(try csv.row("\"say \"\"hi\"\"\"", line: 3).content == .inline(.text("say \"hi\"")))
        #expect(try csv.row("open", line: 4).content == .inline(.text("open")))
        #expect(throws: DeviceError.self) { try csv.row("", line: 5) }
    }

    @Test func payloadColumnsMakeAPayloadReading() throws {
        let csv = try ReadingCSV(header: "time,payload_hash,media_type")
        let hash = SHA256Hasher.hash([1, 2, 3])
        #expect(try csv.row("5,\(hash.hex),image/jpeg", line: 2)
                == ReadingCSV.Row(timeMillis: 5, content: .payload(hash: hash, mediaType: "image/jpeg")))
        #expect(throws: DeviceError.self) { try csv.row("5,abc,image/jpeg", line: 3) }
    }

    @Test(arguments: [
        "", "time", "a,a", "a,,b", "payload_hash", "time,payload_hash,value",
    ])
    func badHeadersAreRefused(header: String) {
        #expect(throws: DeviceError.self) { try ReadingCSV(header: header) }
    }

    @Test(arguments: [
        "1,2,3", "1", "abc,2", "-5,2", "1,\"open", "1,\"a\"b", "1,a\"b\"",
    ])
    func badRowsAreRefusedWithTheirLine(row: String) throws {
        let csv = try ReadingCSV(header: "time,temp")
        do throws(DeviceError) {
            _ = try csv.row(row, line: 7)
            Issue.record("accepted \(row)")
        } catch {
            #expect(error.code == "invalid-csv" && error.message.hasPrefix("line 7:"), "\(error)")
        }
    }

    @Test func oversizeInputIsRefused() throws {
        let csv = try ReadingCSV(header: "value")
        let long = String(repeating: "x", count: ReadingCSV.maxLineBytes + 1)
        #expect(throws: DeviceError.self) { try csv.row(long, line: 2) }
        let big = String(repeating: "x", count: ObjectLimits.maxInlineValueBytes)
        #expect(throws: DeviceError.self) { try csv.row(big, line: 2) }
        let wide = (0...ReadingCSV.maxColumns).map { "c\($0)" }.joined(separator: ",")
        #expect(throws: DeviceError.self) { try ReadingCSV(header: wide) }
    }
}
