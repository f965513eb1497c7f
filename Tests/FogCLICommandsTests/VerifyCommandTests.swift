@testable import FogCLICommands
import FogCore
import FogCrypto
import FogLight
import FogTestKit
import FogTypes
import Foundation
import Testing

/// A small chain from `LightChainFixture`, its genesis file and proof bundles written to a directory.
struct ProofFiles {
    static let chainName = "fogledger-cli-proofs"
    static let accountKey = LightChainFixture.stateKey("account-7")
    static let deviceKey = LightChainFixture.stateKey("device-9")
    static let rawKey = LightChainFixture.stateKey("raw-3")
    static let absentKey = LightChainFixture.stateKey("never-written")

    static let account = AccountRecord(publicKey: LightChainFixture.key(.ed25519, 7).publicKey, nonce: 3, balance: 4_200)
    static let device = try! DeviceRecord(
        publicKey: LightChainFixture.key(.p256, 9).publicKey, owner: LightChainFixture.key(.ed25519, 7).publicKey.address,
        deviceType: "cold-store-sensor", metadata: .map([CBORMapEntry(.text("aisle"), .unsigned(4))]), status: .suspended, lastSequence: 12,
        registeredAt: 2, nonce: 1)

    /// Heights 1–3; the validator set changes from {1, 2} to {1, 3, 4} at height 2, so proofs at height 3
    /// need history (the genesis set holds only half of its power among block 3's signers).
    static let fixture: LightChainFixture = {
        var chain = LightChainFixture(chain: chainName, keys: [LightChainFixture.key(.ed25519, 1), LightChainFixture.key(.ed25519, 2)])
        chain.commit(readings: chain.readings(count: 5), state: [(accountKey, account.encoded), (rawKey, [1, 2, 3])])
        chain.commit(readings: chain.readings(count: 2, firstSequence: 6),
                     next: ([LightChainFixture.key(.ed25519, 1), LightChainFixture.key(.ed25519, 3), LightChainFixture.key(.ed25519, 4)], [1]))
        chain.commit(readings: chain.readings(count: 4, firstSequence: 8), state: [(deviceKey, device.encoded)])
        return chain
    }()

    /// Valid bundles by file name.
    static var valid: [(name: String, bytes: [UInt8])] {
        [
            ("reading-1.cbor", fixture.readingProof(height: 1, index: 2).encoded),
            ("reading-3.cbor", fixture.readingProof(height: 3, index: 3).encoded),
            ("account.cbor", fixture.stateProof(height: 1, key: accountKey).encoded),
            ("device.cbor", fixture.stateProof(height: 3, key: deviceKey).encoded),
            ("raw.cbor", fixture.stateProof(height: 3, key: rawKey).encoded),
            ("absent.cbor", fixture.stateProof(height: 3, key: absentKey).encoded),
        ]
    }

    /// Broken bundles by file name, each with the code a verifier must reject it with.
    static var broken: [(name: String, bytes: [UInt8], code: String)] {
        let good = fixture.readingProof(height: 3, index: 3)
        let original = good.reading
        let changed = try! Reading(chainID: original.chainID, device: original.device, sequence: original.sequence,
                                   timeMillis: original.timeMillis, content: .inline(.float(99)))
        let tamperedReading = try! ReadingProof(chainID: good.chainID, genesisHash: good.genesisHash, history: good.history,
                                                signedHeader: good.signedHeader, reading: changed, inclusion: good.inclusion)
        let noHistory = try! ReadingProof(chainID: good.chainID, genesisHash: good.genesisHash, history: [],
                                          signedHeader: good.signedHeader, reading: good.reading, inclusion: good.inclusion)
        let state = fixture.stateProof(height: 3, key: deviceKey)
        var otherDevice = device
        otherDevice.status = .active
        let tamperedRecord = try! StateProof(chainID: state.chainID, genesisHash: state.genesisHash, history: state.history,
                                             signedHeader: state.signedHeader, key: state.key, record: otherDevice.encoded,
                                             proof: state.proof)
        let claimedAbsent = try! StateProof(chainID: state.chainID, genesisHash: state.genesisHash, history: state.history,
                                            signedHeader: state.signedHeader, key: state.key, record: nil, proof: state.proof)
        // Height 4 committed by 1 of the 3 validators only.
        var weak = fixture
        weak.commit(readings: weak.readings(count: 1, firstSequence: 12), signers: [0])
        // The same keys on a chain with another id.
        var twin = LightChainFixture(chain: "fogledger-cli-twin", keys: [LightChainFixture.key(.ed25519, 1), LightChainFixture.key(.ed25519, 2)])
        twin.commit(readings: twin.readings(count: 2))
        var bytes = good.encoded
        bytes.removeLast()
        return [
            ("reading-tampered.cbor", tamperedReading.encoded, "proof-invalid"),
            ("history-missing.cbor", noHistory.encoded, "untrusted-validator-set"),
            ("record-tampered.cbor", tamperedRecord.encoded, "proof-invalid"),
            ("claimed-absent.cbor", claimedAbsent.encoded, "proof-invalid"),
            ("one-of-three.cbor", weak.readingProof(height: 4, index: 0).encoded, "commit-invalid"),
            ("twin-chain.cbor", twin.readingProof(height: 1, index: 0).encoded, "wrong-chain"),
            ("truncated.cbor", bytes, "malformed"),
            ("garbage.bin", [0xff, 0x00, 0x13, 0x37], "malformed"),
            ("garbage.txt", Array("this is not a proof\n".utf8), "malformed"),
            ("empty.cbor", [], "malformed"),
            ("genesis-as-bundle.cbor", fixture.genesis.encoded, "malformed"),
            ("reading-as-bundle.cbor", original.encoded, "malformed"),
            ("not-a-map.cbor", CBORValue.array([.unsigned(26)]).encoded, "malformed"),
        ]
    }

    /// A genesis of the same chain and validators with other accounts: bundles name another hash.
    static let otherGenesis = try! Genesis(
        chainID: fixture.chainID, timeMillis: LightChainFixture.genesisTime, consensus: .poa,
        validators: fixture.genesis.validators,
        accounts: [GenesisAccount(publicKey: LightChainFixture.key(.ed25519, 201).publicKey, balance: 5)])

    /// Writes `genesis.cbor`, `genesis.hex`, `other-genesis.cbor`, every bundle, and each valid bundle
    /// also as `<name>.hex`.
    static func write(to directory: URL) throws {
        func put(_ name: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: directory.appendingPathComponent(name))
        }
        try put("genesis.cbor", fixture.genesis.encoded)
        try put("genesis.hex", Array((Hex.encode(fixture.genesis.encoded) + "\n").utf8))
        try put("other-genesis.cbor", otherGenesis.encoded)
        for bundle in valid {
            try put(bundle.name, bundle.bytes)
            try put(bundle.name + ".hex", Array(("  " + Hex.encode(bundle.bytes) + "\n").utf8))
        }
        for bundle in broken { try put(bundle.name, bundle.bytes) }
    }
}

/// `verify` and `genesis show` in process: the logic the commands run, with their exact outputs.
@Suite struct VerifyInProcessTests {
    static let genesisFile = try! GenesisFile.decode(ProofFiles.fixture.genesis.encoded, name: "genesis")

    func verify(_ bytes: [UInt8], genesis: Genesis = ProofFiles.fixture.genesis) -> Result<ProvenFact, LightError> {
        Result(catching: { () throws(LightError) -> ProvenFact in try ProofVerification.verify(bytes, genesis: genesis) })
    }

    @Test func genesisFileIdentityIsTheHashOfItsBytes() async throws {
        let file = Self.genesisFile
        #expect(file.hash == ProofFiles.fixture.genesis.hash)
        #expect(file.bytes == ProofFiles.fixture.genesis.encoded)
        // Hex text, with whitespace, is the same file.
        let hex = CBORFileInput.binaryOrHex(Array(("\n " + Hex.encode(file.bytes) + "\n").utf8))
        #expect(hex == file.bytes)
        // Binary stays binary.
        #expect(CBORFileInput.binaryOrHex(file.bytes) == file.bytes)
    }

    @Test func genesisFileRejectsOtherObjectsTrailingBytesAndGarbage() async {
        let bundle = ProofFiles.fixture.readingProof(height: 1, index: 0).encoded
        for bytes in [bundle, ProofFiles.fixture.genesis.encoded + [0x00], [0x01, 0x02], CBORValue.map([]).encoded] {
            #expect(throws: CLIError.self) { try GenesisFile.decode(bytes, name: "x") }
            do {
                _ = try GenesisFile.decode(bytes, name: "x")
            } catch {
                #expect(error.code == "invalid-genesis")
            }
        }
    }

    @Test func readingProofsVerify() async throws {
        for (height, index) in [(UInt64(1), 2), (3, 3)] {
            let proof = ProofFiles.fixture.readingProof(height: height, index: index)
            let result = try verify(proof.encoded).get()
            guard case .reading(let verified) = result else { Issue.record("not a reading: \(result)"); continue }
            #expect(verified.reading == ProofFiles.fixture.blocks[Int(height) - 1].readings[index])
            #expect(verified.height == height)
            let (text, json) = ProofVerification.render(result, genesis: Self.genesisFile)
            #expect(text.contains("block id    \(verified.blockID.hex)"))
            #expect(text.contains("device      \(verified.reading.device.hex)"))
            #expect(text.contains("seq         \(verified.reading.sequence)"))
            guard case .object(let members) = json, case .object(let reading)? = members["reading"] else {
                Issue.record("JSON is not an object with a reading"); continue
            }
            #expect(members["height"] == .uint(height))
            #expect(members["blockID"] == .string(verified.blockID.hex))
            #expect(members["kind"] == .string("reading-proof"))
            #expect(reading["seq"] == .uint(verified.reading.sequence))
            #expect(reading["device"] == .string(verified.reading.device.hex))
            #expect(reading["value"] != nil)
        }
    }

    @Test func stateProofsVerifyAndDecodeKnownRecords() async throws {
        let cases: [(UInt64, Hash256, String?)] = [
            (1, ProofFiles.accountKey, "account-record"), (3, ProofFiles.deviceKey, "device-record"),
            (3, ProofFiles.rawKey, "raw"), (3, ProofFiles.absentKey, nil),
        ]
        for (height, key, type) in cases {
            let result = try verify(ProofFiles.fixture.stateProof(height: height, key: key).encoded).get()
            guard case .state(let verified) = result else { Issue.record("not a state: \(result)"); continue }
            #expect(verified.key == key && verified.height == height)
            let (text, json) = ProofVerification.render(result, genesis: Self.genesisFile)
            guard case .object(let members) = json else { Issue.record("not an object"); continue }
            #expect(members["stateRoot"] == .string(verified.stateRoot.hex))
            #expect(members["present"] == .bool(type != nil))
            if let type {
                guard case .object(let record)? = members["record"] else { Issue.record("no record"); continue }
                #expect(record["type"] == .string(type))
            } else {
                #expect(members["record"] == .null)
                #expect(text.contains("absent"))
            }
        }
        let account = ProofVerification.describe(record: ProofFiles.account.encoded)
        #expect(account.json == .object([
            "type": .string("account-record"), "address": .string(ProofFiles.account.publicKey.address.hex),
            "algorithm": .string("ed25519"), "publicKey": .string(Hex.encode(COSEKey.encode(ProofFiles.account.publicKey))),
            "nonce": .uint(3), "balance": .uint(4_200),
        ]))
        let device = ProofVerification.describe(record: ProofFiles.device.encoded)
        guard case .object(let members) = device.json else { Issue.record("not an object"); return }
        #expect(members["status"] == .string("suspended"))
        #expect(members["deviceType"] == .string("cold-store-sensor"))
        #expect(members["algorithm"] == .string("p256"))
        #expect(members["lastSeq"] == .uint(12))
    }

    @Test func brokenBundlesAreRejectedWithTheirCodes() async {
        for bundle in ProofFiles.broken {
            switch verify(bundle.bytes) {
            case .success: Issue.record("\(bundle.name) verified")
            case .failure(let error): #expect(error.code.description == bundle.code, "\(bundle.name): \(error)")
            }
        }
    }

    @Test func anotherGenesisIsAMismatch() async {
        for bundle in ProofFiles.valid {
            switch verify(bundle.bytes, genesis: ProofFiles.otherGenesis) {
            case .success: Issue.record("\(bundle.name) verified against another genesis")
            case .failure(let error): #expect(error.code == .genesisMismatch, "\(bundle.name): \(error)")
            }
        }
    }

    @Test func genesisShowRendering() async {
        let (text, json) = Render.genesis(Self.genesisFile)
        let genesis = ProofFiles.fixture.genesis
        #expect(text.contains("chain         \(ProofFiles.chainName)"))
        #expect(text.contains("genesis hash  \(genesis.hash.hex)"))
        #expect(text.contains("consensus     poa"))
        #expect(text.contains("time          1767225600000 (2026-01-01T00:00:00.000Z)"))
        for validator in genesis.validators.validators {
            #expect(text.contains("\(validator.address.hex)  ed25519  power 1"))
        }
        #expect(text.contains("\(genesis.accounts[0].publicKey.address.hex)  ed25519  balance 1000"))
        guard case .object(let members) = json else { Issue.record("not an object"); return }
        #expect(members["genesisHash"] == .string(genesis.hash.hex))
        #expect(members["consensus"] == .string("poa"))
        #expect(members["time"] == .uint(LightChainFixture.genesisTime))
        guard case .array(let validators)? = members["validators"], case .array(let accounts)? = members["accounts"] else {
            Issue.record("no validators or accounts"); return
        }
        #expect(validators.count == 2 && accounts.count == 1)
        #expect(accounts.first == .object([
            "address": .string(genesis.accounts[0].publicKey.address.hex), "algorithm": .string("ed25519"),
            "balance": .uint(1_000),
        ]))
    }
}

/// `fogledger verify` and `fogledger genesis show` as a user runs them.
@Suite struct VerifyEndToEndTests {
    @Test func validBundlesVerifyBinaryHexAndStdin() async throws {
        try await withTemporaryDirectory { directory in
            try ProofFiles.write(to: directory)
            let genesis = directory.appendingPathComponent("genesis.cbor").path
            for bundle in ProofFiles.valid {
                let path = directory.appendingPathComponent(bundle.name).path
                for arguments in [[path, "--genesis", genesis],
                                  [path + ".hex", "--genesis", directory.appendingPathComponent("genesis.hex").path]] {
                    let result = try await FogledgerBinary.run(["verify", "--json"] + arguments)
                    #expect(result.status == 0, "\(bundle.name): \(result.out) \(result.err)")
                    let json = result.json()
                    #expect(json["verified"] as? Bool == true)
                    #expect(json["genesisHash"] as? String == ProofFiles.fixture.genesis.hash.hex)
                }
                let text = try await FogledgerBinary.run(["verify", "-", "--genesis", genesis], stdin: Data(bundle.bytes))
                #expect(text.status == 0, "\(bundle.name): \(text.err)")
                #expect(text.out.hasPrefix("verified"))
                #expect(text.err.isEmpty)
            }
            let reading = try await FogledgerBinary.run(["verify", directory.appendingPathComponent("reading-3.cbor").path,
                                                   "--genesis", genesis, "--json"]).json()
            let proven = ProofFiles.fixture.blocks[2].readings[3]
            #expect(reading["height"] as? Int == 3)
            #expect(reading["blockID"] as? String == ProofFiles.fixture.blocks[2].signedHeader.header.blockID.hex)
            let fields = reading["reading"] as? [String: Any]
            #expect(fields?["device"] as? String == proven.device.hex)
            #expect((fields?["seq"] as? NSNumber)?.uint64Value == proven.sequence)
            let device = try await FogledgerBinary.run(["verify", directory.appendingPathComponent("device.cbor").path,
                                                  "--genesis", genesis])
            #expect(device.out.contains("device record (tag 22)"))
            #expect(device.out.contains("status         suspended"))
            let absent = try await FogledgerBinary.run(["verify", directory.appendingPathComponent("absent.cbor").path,
                                                  "--genesis", genesis, "--json"]).json()
            #expect(absent["present"] as? Bool == false)
            #expect(absent["record"] is NSNull)
        }
    }

    @Test func brokenBundlesFailWithTheirCodes() async throws {
        try await withTemporaryDirectory { directory in
            try ProofFiles.write(to: directory)
            let genesis = directory.appendingPathComponent("genesis.cbor").path
            for bundle in ProofFiles.broken {
                let result = try await FogledgerBinary.run(["verify", directory.appendingPathComponent(bundle.name).path,
                                                      "--genesis", genesis, "--json"])
                CLI.expectFailure(result, code: bundle.code)
                let text = try await FogledgerBinary.run(["verify", directory.appendingPathComponent(bundle.name).path,
                                                    "--genesis", genesis])
                #expect(text.status == 1 && text.out.isEmpty, "\(bundle.name): \(text.err)")
                #expect(text.err.hasPrefix("error: proof rejected (\(bundle.code)): "), "\(bundle.name): \(text.err)")
            }
            for bundle in ProofFiles.valid {
                let result = try await FogledgerBinary.run(["verify", directory.appendingPathComponent(bundle.name).path, "--genesis",
                                                      directory.appendingPathComponent("other-genesis.cbor").path, "--json"])
                CLI.expectFailure(result, code: "genesis-mismatch")
            }
        }
    }

    @Test func wrongFilesAndArguments() async throws {
        try await withTemporaryDirectory { directory in
            try ProofFiles.write(to: directory)
            let genesis = directory.appendingPathComponent("genesis.cbor").path
            let bundle = directory.appendingPathComponent("reading-1.cbor").path
            // A bundle given as the genesis, and the genesis given as the bundle.
            CLI.expectFailure(try await FogledgerBinary.run(["verify", bundle, "--genesis", bundle, "--json"]), code: "invalid-genesis")
            CLI.expectFailure(try await FogledgerBinary.run(["verify", genesis, "--genesis", genesis, "--json"]), code: "malformed")
            CLI.expectFailure(try await FogledgerBinary.run(["genesis", "show", bundle, "--json"]), code: "invalid-genesis")
            // Missing files, an endless one, both on standard input, no --genesis.
            let missing = directory.appendingPathComponent("missing").path
            CLI.expectFailure(try await FogledgerBinary.run(["verify", missing, "--genesis", genesis, "--json"]), code: "io-error")
            CLI.expectFailure(try await FogledgerBinary.run(["verify", bundle, "--genesis", missing, "--json"]), code: "io-error")
            CLI.expectFailure(try await FogledgerBinary.run(["verify", "/dev/zero", "--genesis", genesis, "--json"]), code: "limit-exceeded")
            let endless = try await FogledgerBinary.run(["verify", "/dev/zero", "--genesis", genesis])
            #expect(endless.status == 1 && endless.err.hasPrefix("error: proof rejected (limit-exceeded): "), "\(endless.err)")
            CLI.expectFailure(try await FogledgerBinary.run(["verify", "-", "--genesis", "-", "--json"]), code: "invalid-argument")
            CLI.expectFailure(try await FogledgerBinary.run(["verify", bundle, "--json"]), code: "invalid-argument")
        }
    }

    @Test func genesisShowTextAndJSON() async throws {
        try await withTemporaryDirectory { directory in
            try ProofFiles.write(to: directory)
            let genesis = ProofFiles.fixture.genesis
            for name in ["genesis.cbor", "genesis.hex"] {
                let path = directory.appendingPathComponent(name).path
                let text = try await FogledgerBinary.run(["genesis", "show", path])
                #expect(text.status == 0, "\(text.err)")
                #expect(text.out.contains("genesis hash  \(genesis.hash.hex)"))
                #expect(text.out.contains("chain         \(ProofFiles.chainName)"))
                let json = try await FogledgerBinary.run(["genesis", "show", path, "--json"]).json()
                #expect(json["chain"] as? String == ProofFiles.chainName)
                #expect(json["consensus"] as? String == "poa")
                #expect((json["time"] as? NSNumber)?.uint64Value == LightChainFixture.genesisTime)
                #expect(json["genesisHash"] as? String == genesis.hash.hex)
                let validators = json["validators"] as? [[String: Any]] ?? []
                #expect(validators.map { $0["address"] as? String } == genesis.validators.validators.map(\.address.hex))
                #expect(validators.allSatisfy { $0["algorithm"] as? String == "ed25519" && $0["power"] as? Int == 1 })
                let accounts = json["accounts"] as? [[String: Any]] ?? []
                #expect(accounts.count == 1 && accounts.first?["balance"] as? Int == 1_000)
            }
            let stdin = try await FogledgerBinary.run(["genesis", "show", "-", "--json"], stdin: Data(genesis.encoded))
            #expect(stdin.json()["genesisHash"] as? String == genesis.hash.hex)
        }
    }

    /// Every entry of `Tests/Vectors/light-client.json`, through the binary, with its expected outcome.
    @Test func lightClientVectors() async throws {
        let file = try VectorFiles.load("light-client.json", as: LightClientVectorFile.self)
        try await withTemporaryDirectory { directory in
            let genesis = directory.appendingPathComponent("genesis.hex")
            try Data(file.genesis.utf8).write(to: genesis)
            let shown = try await FogledgerBinary.run(["genesis", "show", genesis.path, "--json"]).json()
            #expect(shown["genesisHash"] as? String == file.genesisHash)
            #expect(shown["chain"] as? String == file.chainID)
            for vector in file.vectors {
                let bundle = directory.appendingPathComponent("\(vector.name).hex")
                try Data(vector.bundle.utf8).write(to: bundle)
                let result = try await FogledgerBinary.run(["verify", bundle.path, "--genesis", genesis.path, "--json"])
                if let code = vector.error {
                    CLI.expectFailure(result, code: code)
                    continue
                }
                #expect(result.status == 0, "\(vector.name): \(result.out) \(result.err)")
                let json = result.json()
                #expect(json["kind"] as? String == vector.kind, "\(vector.name)")
                #expect((json["height"] as? NSNumber)?.uint64Value == vector.height, "\(vector.name)")
                #expect((json["blockTime"] as? NSNumber)?.uint64Value == vector.blockTime, "\(vector.name)")
                #expect(json["blockID"] as? String == vector.blockID, "\(vector.name)")
                if vector.kind == "reading-proof" {
                    #expect(json["readingBytes"] as? String == vector.reading, "\(vector.name)")
                } else {
                    #expect(json["key"] as? String == vector.key, "\(vector.name)")
                    #expect(json["recordBytes"] as? String == vector.record, "\(vector.name)")
                    #expect(json["present"] as? Bool == (vector.record != nil), "\(vector.name)")
                }
            }
        }
    }
}
