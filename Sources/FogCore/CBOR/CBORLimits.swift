/// The bounds a `CBORReader` enforces on untrusted input.
///
/// Every length is also checked against the bytes that remain, so a declared length can never make
/// the decoder allocate more than the input could fill.
public struct CBORLimits: Hashable, Sendable {
    /// The largest input accepted, in bytes.
    public var maxInputBytes: Int
    /// The deepest nesting of arrays, maps and tags accepted (the top-level item is depth 1).
    public var maxDepth: Int
    /// The most items in one array or entries in one map.
    public var maxCollectionCount: Int
    /// The longest byte or text string, in bytes.
    public var maxStringBytes: Int

    /// Creates limits.
    public init(maxInputBytes: Int, maxDepth: Int, maxCollectionCount: Int, maxStringBytes: Int) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.maxCollectionCount = maxCollectionCount
        self.maxStringBytes = maxStringBytes
    }

    /// Defaults for any FogLedger object: 4 MiB input, depth 32, 65,536 entries, 1 MiB strings.
    public static let `default` = CBORLimits(
        maxInputBytes: 4 * 1024 * 1024, maxDepth: 32, maxCollectionCount: 65_536, maxStringBytes: 1024 * 1024)
}
