public import FogCore

/// The parameters of validator selection (spec/encoding.md §2.19):
/// `{0: 28, 1: epochLength, 2: maxValidators, 3: unbondingPeriod, 4: slashBasisPoints, 5: minSelfBond,
/// 6: maxEvidenceAge, 7: proposalLifetime}`.
///
/// Keys 1–5 matter in DPoS only; 6 and 7 in both modes (7 in PoA only, where proposals exist).
/// A genesis without parameters uses ``default``.
public struct ConsensusParams: CanonicalObject {
    public static let objectType = ObjectType.consensusParams

    /// The largest evidence age: it bounds how many past validator sets the state keeps indexed.
    public static let maxEvidenceAgeLimit: UInt64 = 10_000
    /// The denominator of `slashBasisPoints`.
    public static let basisPointsPerWhole: UInt64 = 10_000

    /// The parameters of a genesis that names none.
    public static let `default` = try! ConsensusParams(
        epochLength: 100, maxValidators: 100, unbondingPeriod: 1_000, slashBasisPoints: 500, minSelfBond: 1,
        maxEvidenceAge: 100, proposalLifetime: 1_000)

    /// DPoS: the validator set is recomputed at every height that is a multiple of this (≥ 1).
    public let epochLength: UInt64
    /// DPoS: the most validators an epoch selects (1 to `ObjectLimits.maxValidators`).
    public let maxValidators: UInt64
    /// DPoS: blocks between an undelegation and the return of its tokens.
    public let unbondingPeriod: UInt64
    /// DPoS: the part of a validator's stake (and each delegation) burnt for equivocation, in 1/10,000.
    public let slashBasisPoints: UInt64
    /// DPoS: the least self-bond of a candidate, at bonding and to be selected (≥ 1).
    public let minSelfBond: UInt64
    /// Evidence about votes more than this many heights below the block is too old (1 to 10,000).
    public let maxEvidenceAge: UInt64
    /// PoA: a proposal not approved within this many blocks expires (≥ 1).
    public let proposalLifetime: UInt64

    /// Creates parameters, checking each bound.
    public init(epochLength: UInt64, maxValidators: UInt64, unbondingPeriod: UInt64, slashBasisPoints: UInt64,
                minSelfBond: UInt64, maxEvidenceAge: UInt64, proposalLifetime: UInt64) throws(ObjectError) {
        guard epochLength >= 1 else { throw ObjectError(.invalidValue, "consensus-params.epochLength must be at least 1") }
        guard maxValidators >= 1, maxValidators <= UInt64(ObjectLimits.maxValidators) else {
            throw ObjectError(.invalidValue, "consensus-params.maxValidators must be 1–\(ObjectLimits.maxValidators)")
        }
        guard slashBasisPoints <= Self.basisPointsPerWhole else {
            throw ObjectError(.invalidValue, "consensus-params.slashBasisPoints must be at most 10000")
        }
        guard minSelfBond >= 1 else { throw ObjectError(.invalidValue, "consensus-params.minSelfBond must be at least 1") }
        guard maxEvidenceAge >= 1, maxEvidenceAge <= Self.maxEvidenceAgeLimit else {
            throw ObjectError(.invalidValue, "consensus-params.maxEvidenceAge must be 1–\(Self.maxEvidenceAgeLimit)")
        }
        guard proposalLifetime >= 1 else {
            throw ObjectError(.invalidValue, "consensus-params.proposalLifetime must be at least 1")
        }
        self.epochLength = epochLength
        self.maxValidators = maxValidators
        self.unbondingPeriod = unbondingPeriod
        self.slashBasisPoints = slashBasisPoints
        self.minSelfBond = minSelfBond
        self.maxEvidenceAge = maxEvidenceAge
        self.proposalLifetime = proposalLifetime
    }

    /// `amount` less its slashed part (rounded down: the slashed part is rounded down).
    public func slashed(_ amount: UInt64) -> UInt64 {
        let product = amount.multipliedFullWidth(by: slashBasisPoints)
        let cut = Self.basisPointsPerWhole.dividingFullWidth(product).quotient
        return amount - cut
    }

    public func fields() -> [CBORMapEntry] {
        var entries: [CBORMapEntry] = []
        entries.put(1, .unsigned(epochLength))
        entries.put(2, .unsigned(maxValidators))
        entries.put(3, .unsigned(unbondingPeriod))
        entries.put(4, .unsigned(slashBasisPoints))
        entries.put(5, .unsigned(minSelfBond))
        entries.put(6, .unsigned(maxEvidenceAge))
        entries.put(7, .unsigned(proposalLifetime))
        return entries
    }

    public init(fields: inout CBORFields) throws {
        try self.init(epochLength: try fields.uint(1, "epochLength"), maxValidators: try fields.uint(2, "maxValidators"),
                      unbondingPeriod: try fields.uint(3, "unbondingPeriod"),
                      slashBasisPoints: try fields.uint(4, "slashBasisPoints"), minSelfBond: try fields.uint(5, "minSelfBond"),
                      maxEvidenceAge: try fields.uint(6, "maxEvidenceAge"),
                      proposalLifetime: try fields.uint(7, "proposalLifetime"))
    }
}
