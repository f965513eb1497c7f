import FogCore
import FogCrypto
import FogLight
import FogTestKit
import FogTypes
import Testing

/// Checks every entry of the committed `Tests/Vectors/light-client.json` with `LightVerifier`.
@Suite struct LightClientVectorTests {
    static let file = try! VectorFiles.load("light-client.json", as: LightClientVectorFile.self)
    static let genesis = try! Genesis.decode(Hex.decode(file.genesis)!)

    @Test func genesisAndCoverage() {
        #expect(Self.genesis.hash.hex == Self.file.genesisHash)
        #expect(Self.genesis.chainID.value == Self.file.chainID)
        let codes = Set(Self.file.vectors.compactMap(\.error))
        #expect(codes == ["proof-invalid", "untrusted-validator-set", "commit-invalid", "genesis-mismatch", "wrong-chain", "malformed"])
        #expect(Self.file.vectors.contains { $0.kind == "state-proof" && $0.error == nil && $0.record == nil })
    }

    @Test(arguments: file.vectors.map(\.name))
    func vector(_ name: String) throws {
        let vector = Self.file.vectors.first { $0.name == name }!
        let bytes = try #require(Hex.decode(vector.bundle))
        let verifier = LightVerifier(genesis: Self.genesis)
        switch vector.kind {
        case "reading-proof":
            switch Result(catching: { () throws(LightError) -> VerifiedReading in try verifier.verifyReadingProof(bytes) }) {
            case .success(let verified):
                #expect(vector.error == nil, "\(name) verified, expected \(vector.error ?? "")")
                #expect(Hex.encode(verified.reading.encoded) == vector.reading)
                #expect(verified.height == vector.height && verified.blockTimeMillis == vector.blockTime)
                #expect(verified.blockID.hex == vector.blockID)
            case .failure(let error):
                #expect(vector.error == error.code.description, "\(name): \(error)")
            }
        case "state-proof":
            switch Result(catching: { () throws(LightError) -> VerifiedState in try verifier.verifyStateProof(bytes) }) {
            case .success(let verified):
                #expect(vector.error == nil, "\(name) verified, expected \(vector.error ?? "")")
                #expect(verified.key.hex == vector.key)
                #expect(verified.record.map(Hex.encode) == vector.record)
                #expect(verified.height == vector.height && verified.blockTimeMillis == vector.blockTime)
                #expect(verified.blockID.hex == vector.blockID)
            case .failure(let error):
                #expect(vector.error == error.code.description, "\(name): \(error)")
            }
        default:
            Issue.record("unknown kind \(vector.kind)")
        }
    }
}
