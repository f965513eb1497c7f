public import FogCore

/// The seeded generator tests use: SplitMix64 from FogCore.
public typealias SeededGenerator = SplitMix64

extension SplitMix64 {
    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}
