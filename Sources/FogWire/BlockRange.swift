import FogCore

/// The heights a block request asks for, both ends included: `{1: from, 2: to}`, with
/// `1 ≤ from ≤ to` and at most `WireLimits.maxBlocksPerRequest` heights.
public struct BlockRange: Hashable, Sendable, CustomStringConvertible {
    /// The first height.
    public let from: UInt64
    /// The last height.
    public let to: UInt64

    /// Creates a range.
    public init(from: UInt64, to: UInt64) throws(WireError) {
        guard from >= 1, from <= to else {
            throw WireError(.invalidValue, "block range [\(from), \(to)] must have 1 ≤ from ≤ to")
        }
        guard to - from < UInt64(WireLimits.maxBlocksPerRequest) else {
            throw WireError(.limitExceeded,
                            "block range [\(from), \(to)] asks for more than \(WireLimits.maxBlocksPerRequest) blocks")
        }
        self.from = from
        self.to = to
    }

    /// The heights in the range.
    public var heights: ClosedRange<UInt64> { from...to }

    public var description: String { "[\(from), \(to)]" }

    var body: CBORValue { WireBody.map([(1, .unsigned(from)), (2, .unsigned(to))]) }

    init(body: CBORValue) throws {
        var fields = try CBORFields(body, object: "block-request")
        let from = try fields.uint(1, "from")
        let to = try fields.uint(2, "to")
        try fields.finish()
        try self.init(from: from, to: to)
    }
}
