import FogTypes
import Synchronization

/// Validator sets recently decoded from the state, by their encoding. Consensus asks for the same
/// one or two sets several times per height (who signs it, who signed its parent, who proposes),
/// and decoding one parses every validator's public key; the result depends only on the bytes, so
/// a set decoded once is reused for the same bytes.
enum DecodedValidatorSets {
    /// The most sets kept; the memo starts over when full.
    static let capacity = 8
    private static let sets = Mutex<[[UInt8]: ValidatorSet]>([:])

    /// The set `bytes` encode (``CanonicalObject/decode(_:)``), decoded at most once while kept.
    static func decode(_ bytes: [UInt8]) throws(ObjectError) -> ValidatorSet {
        if let set = sets.withLock({ $0[bytes] }) { return set }
        let set = try ValidatorSet.decode(bytes)
        sets.withLock { sets in
            if sets.count >= capacity { sets.removeAll(keepingCapacity: true) }
            sets[bytes] = set
        }
        return set
    }
}
