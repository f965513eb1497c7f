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
    /// Largest encoded payload of a signed object, in bytes. Only a reading batch can reach it (1,024
    /// readings with 1,024-byte values would not fit); 8 KiB below `maxEnvelopeBytes` leaves room
    /// for the COSE_Sign1 around it, kid and ML-DSA-65 signature included.
    public static let maxPayloadBytes = 1024 * 1024 - 8 * 1024
    /// Largest encoded signed envelope (COSE_Sign1) of any kind, in bytes: the decoder's default
    /// string limit (`CBORLimits.default.maxStringBytes`), so that a block can carry any envelope as
    /// one byte string. Every signed object within `maxPayloadBytes` fits.
    public static let maxEnvelopeBytes = 1024 * 1024
    /// Largest encoded block, in bytes: the default decoder input limit (`CBORLimits.default`),
    /// so that every block that can be built can be decoded.
    public static let maxBlockBytes = 4 * 1024 * 1024
    /// Most validators in a set.
    public static let maxValidators = 256
    /// Most accounts allocated in genesis.
    public static let maxGenesisAccounts = 10_000
    /// Longest device type text, in bytes (at least 1).
    public static let maxDeviceTypeBytes = 64
    /// Largest encoded device metadata map, in bytes.
    public static let maxDeviceMetadataBytes = 1024
    /// Longest receipt code, in bytes.
    public static let maxReceiptCodeBytes = 64
}
