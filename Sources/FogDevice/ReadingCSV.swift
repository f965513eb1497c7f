import FogCore
import FogCrypto
public import FogTypes

/// Readings as CSV lines (spec/device-sdk.md): a header line, then one reading per line.
///
/// The header names the columns. `time` (milliseconds since the Unix epoch; empty for "now") is
/// optional; `payload_hash` (64 hex) with `media_type` make an off-chain payload reading; every
/// other column is a value. One value column named `value` is the value itself; otherwise the
/// value is a map from column name to cell. A cell is an integer, a decimal number, `true`,
/// `false`, empty (the column is left out), or text — quoted with `"` when it holds a comma or a
/// quote (`""` inside quotes is one quote).
public struct ReadingCSV: Sendable {
    /// Longest line read, in bytes.
    public static let maxLineBytes = 16 * 1024
    /// Most columns.
    public static let maxColumns = 64

    /// The value columns, in header order.
    public let columns: [String]
    private let timeColumn: Int?
    private let hashColumn: Int?
    private let mediaTypeColumn: Int?
    private let valueColumns: [Int]

    /// A row: its time (nil for now) and content.
    public struct Row: Hashable, Sendable {
        /// Milliseconds since the Unix epoch, or nil for "now".
        public let timeMillis: UInt64?
        /// The reading's value or payload reference.
        public let content: ReadingContent

        /// Creates a row.
        public init(timeMillis: UInt64?, content: ReadingContent) {
            self.timeMillis = timeMillis
            self.content = content
        }
    }

    /// Reads the header line.
    public init(header: String) throws(DeviceError) {
        let names = try Self.cells(header, line: 1).map { $0.trimmingSpaces }
        guard !names.isEmpty, names.count <= Self.maxColumns else {
            throw DeviceError("invalid-csv", "line 1: the header needs 1–\(Self.maxColumns) columns, found \(names.count)")
        }
        var seen = Set<String>()
        for name in names {
            guard !name.isEmpty else { throw DeviceError("invalid-csv", "line 1: a column has no name") }
            guard seen.insert(name).inserted else { throw DeviceError("invalid-csv", "line 1: column \"\(name)\" appears twice") }
        }
        let time = names.firstIndex(of: "time")
        let hash = names.firstIndex(of: "payload_hash")
        let mediaType = names.firstIndex(of: "media_type")
        guard (hash == nil) == (mediaType == nil) else {
            throw DeviceError("invalid-csv", "line 1: payload_hash and media_type go together")
        }
        let values = names.indices.filter { $0 != time && $0 != hash && $0 != mediaType }
        timeColumn = time
        hashColumn = hash
        mediaTypeColumn = mediaType
        valueColumns = values
        columns = values.map { names[$0] }
        guard hash != nil || !values.isEmpty else {
            throw DeviceError("invalid-csv", "line 1: no value column and no payload_hash")
        }
    }

    /// Reads data line `line` (1-based, for messages).
    public func row(_ text: String, line: Int) throws(DeviceError) -> Row {
        let cells = try Self.cells(text, line: line)
        let expected = columns.count + (timeColumn == nil ? 0 : 1) + (hashColumn == nil ? 0 : 2)
        guard cells.count == expected else {
            throw DeviceError("invalid-csv", "line \(line): \(cells.count) cells, the header has \(expected) columns")
        }
        var time: UInt64?
        if let timeColumn {
            let cell = cells[timeColumn].trimmingSpaces
            if !cell.isEmpty {
                guard let value = UInt64(cell) else {
                    throw DeviceError("invalid-csv", "line \(line): time \"\(cell)\" is not milliseconds since the epoch")
                }
                time = value
            }
        }
        if let hashColumn, let mediaTypeColumn, !cells[hashColumn].trimmingSpaces.isEmpty {
            guard let hash = Hash256(hex: cells[hashColumn].trimmingSpaces) else {
                throw DeviceError("invalid-csv", "line \(line): payload_hash must be 64 hexadecimal characters")
            }
            let mediaType = cells[mediaTypeColumn].trimmingSpaces
            guard !mediaType.isEmpty, mediaType.utf8.count <= ObjectLimits.maxMediaTypeBytes else {
                throw DeviceError("invalid-csv", "line \(line): media_type must be 1–\(ObjectLimits.maxMediaTypeBytes) bytes")
            }
            return Row(timeMillis: time, content: .payload(hash: hash, mediaType: mediaType))
        }
        let value: CBORValue
        if columns == ["value"] {
            guard let cell = Self.value(cells[valueColumns[0]]) else {
                throw DeviceError("invalid-csv", "line \(line): the value is empty")
            }
            value = cell
        } else {
            var entries: [CBORMapEntry] = []
            for (name, index) in zip(columns, valueColumns) {
                if let cell = Self.value(cells[index]) { entries.append(CBORMapEntry(.text(name), cell)) }
            }
            guard !entries.isEmpty else { throw DeviceError("invalid-csv", "line \(line): every value cell is empty") }
            value = .map(entries)
        }
        guard value.encoded.count <= ObjectLimits.maxInlineValueBytes else {
            throw DeviceError("invalid-csv", "line \(line): the value exceeds \(ObjectLimits.maxInlineValueBytes) bytes; send a payload hash instead")
        }
        return Row(timeMillis: time, content: .inline(value))
    }

    /// A cell's value: nil when empty.
    static func value(_ raw: Cell) -> CBORValue? {
        if raw.quoted { return .text(raw.text) }
        let text = raw.trimmingSpaces
        if text.isEmpty { return nil }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let integer = Int64(text) { return .int(integer) }
        if let number = Double(text), number.isFinite, text.first != "+",
           text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "e" || $0 == "E" || $0 == "+" }) {
            return .float(number)
        }
        return .text(text)
    }

    /// One cell: its text and whether it was quoted.
    struct Cell: Hashable {
        var text: String
        var quoted: Bool
        var trimmingSpaces: String {
            quoted ? text : String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        }
    }

    /// Splits a line into cells (RFC 4180 quoting within one line).
    static func cells(_ line: String, line number: Int) throws(DeviceError) -> [Cell] {
        guard line.utf8.count <= maxLineBytes else {
            throw DeviceError("invalid-csv", "line \(number): longer than \(maxLineBytes) bytes")
        }
        var cells: [Cell] = []
        var current = ""
        var quoted = false
        var inQuotes = false
        var afterQuote = false
        var characters = line.makeIterator()
        while let character = characters.next() {
            if inQuotes {
                if character == "\"" {
                    inQuotes = false
                    afterQuote = true
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                if afterQuote {
                    current.append("\"")
                    inQuotes = true
                    afterQuote = false
                } else if current.allSatisfy({ $0 == " " }) && !quoted {
                    current = ""
                    quoted = true
                    inQuotes = true
                } else {
                    throw DeviceError("invalid-csv", "line \(number): a quote inside an unquoted cell")
                }
            case ",":
                cells.append(Cell(text: current, quoted: quoted))
                current = ""
                quoted = false
                afterQuote = false
                guard cells.count < maxColumns else {
                    throw DeviceError("invalid-csv", "line \(number): more than \(maxColumns) cells")
                }
            default:
                if afterQuote && character != " " {
                    throw DeviceError("invalid-csv", "line \(number): text after a closing quote")
                }
                if !afterQuote { current.append(character) }
            }
        }
        guard !inQuotes else { throw DeviceError("invalid-csv", "line \(number): a quote is not closed") }
        cells.append(Cell(text: current, quoted: quoted))
        return cells
    }
}
