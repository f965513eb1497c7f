/// The named size limits of the data model. Every decoder enforces them; tests exercise each at its bound.
public enum ObjectLimits {
    /// Longest chain id, in bytes.
    public static let maxChainIDBytes = 64
    /// Largest encoded inline reading value, in bytes; bigger data goes off-chain behind a payload hash.
    public static let maxInlineValueBytes = 1024
    /// Longest media type of an off-chain payload, in bytes (RFC 6838 allows 127 + "/" + 127).
    public static let maxMediaTypeBytes = 255
    /// Most readings under one batch signature.
    public static let maxBatchReadings = 1024
    /// Largest encoded transaction body, in bytes.
    public static let maxTransactionBodyBytes = 16 * 1024
    /// Most transactions (readings, batches, account transactions) in one block.
    public static let maxBlockTransactions = 20_000
    /// Largest encoded transaction envelope of any kind inside a block, in bytes.
    ///
    /// Every valid signed object fits: the largest, a batch of 1,024 readings each with a
    /// 1,024-byte inline value and 64-bit seq and time, on a 64-character chain, signed with
    /// ML-DSA-65, is 1,074,547 bytes.
    public static let maxEnvelopeBytes = 1024 * 1024 + 64 * 1024
    /// Largest encoded block, in bytes: the default decoder input limit (`CBORLimits.default`),
    /// so that every block that can be built can be decoded.
    public static let maxBlockBytes = 4 * 1024 * 1024
    /// Most validators in a set.
    public static let maxValidators = 256
    /// Most accounts allocated in genesis.
    public static let maxGenesisAccounts = 10_000
}
