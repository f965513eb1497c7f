import FogCore
import FogTestKit
import FogWire
import Testing

/// Seeded fuzzing of frame decoding: mutated frames of every message type and random bytes never
/// crash the decoder, and any frame it accepts re-encodes to exactly the bytes it was given.
@Suite struct WireFuzzTests {
    static let mutationsPerMessage = 400

    @Test func mutatedFramesNeverCrashAndAcceptedOnesReencodeIdentically() throws {
        var generator = SeededGenerator(seed: 0x5eed_3636)
        var accepted = 0
        var rejected = 0
        for message in try WireFixtures.all() {
            let frame = try message.frame
            for _ in 0..<Self.mutationsPerMessage {
                let mutated = mutate(frame, using: &generator)
                do {
                    let decoded = try WireFrame.decode(mutated)
                    #expect(try decoded.frame == mutated, "accepted \(decoded.type) re-encodes differently")
                    accepted += 1
                } catch {
                    rejected += 1
                }
            }
        }
        for _ in 0..<500 {
            let length = Int(generator.next() % 64)
            let random = generator.bytes(length)
            if let decoded = try? WireFrame.decode(random) { #expect(try decoded.frame == random) }
            let body = [UInt8(generator.next() % 0x40)] + generator.bytes(length)
            if let decoded = try? WireMessage.decode(frameBody: body) { #expect(decoded.frameBody == body) }
        }
        #expect(rejected > 0)
        #expect(accepted + rejected == 10 * Self.mutationsPerMessage)
    }

    /// One to three random edits: bit flips, byte replacements, insertions, deletions, truncation.
    private func mutate(_ bytes: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var result = bytes
        for _ in 0...(generator.next() % 3) {
            guard !result.isEmpty else { break }
            let index = Int(generator.next() % UInt64(result.count))
            switch generator.next() % 5 {
            case 0: result[index] ^= UInt8(1 << (generator.next() % 8))
            case 1: result[index] = [0x00, 0x01, 0x17, 0x18, 0x7f, 0x80, 0xa0, 0xf6, 0xff][Int(generator.next() % 9)]
            case 2: result.insert(UInt8(truncatingIfNeeded: generator.next()), at: index)
            case 3: result.remove(at: index)
            default: result.removeLast(Int(generator.next() % UInt64(min(result.count, 8))))
            }
        }
        return result
    }
}
