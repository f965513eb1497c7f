public import FogCore
public import FogCrypto

/// The kind of an account transaction (key 4 of its payload); each kind defines its body's schema.
public struct TransactionKind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "kind \(rawValue)" }
}

/// A transaction signed by an account:
/// `{0: 3, 1: chain, 2: signer, 3: nonce, 4: kind, 5: body}`.
///
/// The nonce is the signer's account nonce (each account's transactions apply in nonce order, once);
/// the body is a CBOR map whose schema the kind names, at most `ObjectLimits.maxTransactionBodyBytes`.
public struct Transaction: SignedObject {
    public static let objectType = ObjectType.transaction

    public let chainID: ChainID
    public let signer: Address
    /// The signer's account nonce for this transaction.
    public let nonce: UInt64
    /// What the transaction does.
    public let kind: TransactionKind
    /// The kind-specific body: a CBOR map.
    public let body: CBORValue

    /// Creates a transaction; the body must be a map within the size limit.
    public init(chainID: ChainID, signer: Address, nonce: UInt64, kind: TransactionKind,
                body: CBORValue) throws(ObjectError) {
        guard case .map = body else {
            throw ObjectError(.malformed, "transaction.body: expected map, found \(body.typeName)")
        }
        let size = body.encoded.count
        guard size <= ObjectLimits.maxTransactionBodyBytes else {
            throw ObjectError(.limitExceeded, "transaction.body: \(size) bytes exceed \(ObjectLimits.maxTransactionBodyBytes)")
        }
        self.chainID = chainID
        self.signer = signer
        self.nonce = nonce
        self.kind = kind
        self.body = body
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .text(chainID.value))
        entries.put(2, .address(signer))
        entries.put(3, .unsigned(nonce))
        entries.put(4, .unsigned(kind.rawValue))
        entries.put(5, body)
        return entries
    }

    public init(fields: inout CBORFields) throws {
        let chainID = try fields.chain()
        try self.init(chainID: chainID, signer: try fields.address(2, "signer"), nonce: try fields.uint(3, "nonce"),
                      kind: TransactionKind(rawValue: try fields.uint(4, "kind")), body: try fields.required(5, "body"))
    }
}
