import FogCLICommands
import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Foundation
import Testing

/// The identity `fogledger keygen --json` printed.
struct GeneratedKey {
    var path: String
    var algorithm: String
    var address: String
    var did: String
    var publicKey: String
}

/// Helpers shared by the end-to-end suites.
enum CLI {
    static let time = "1700000000123"

    static func keygen(_ algorithm: SignatureAlgorithm, in directory: URL, name: String? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws -> GeneratedKey {
        let path = directory.appendingPathComponent(name ?? "\(algorithm).key").path
        let result = try await FogledgerBinary.run(["keygen", "--alg", algorithm.rawValue, "--out", path, "--json"],
                                             sourceLocation: sourceLocation)
        #expect(result.status == 0, "keygen failed: \(result.err)", sourceLocation: sourceLocation)
        let json = result.json(sourceLocation: sourceLocation)
        return GeneratedKey(
            path: path, algorithm: json["algorithm"] as? String ?? "", address: json["address"] as? String ?? "",
            did: json["did"] as? String ?? "", publicKey: json["publicKey"] as? String ?? "")
    }

    /// Signs with `reading sign --json` and returns the parsed output.
    static func sign(_ key: GeneratedKey, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> [String: Any] {
        let result = try await FogledgerBinary.run(["reading", "sign", "--key", key.path, "--json"] + arguments,
                                             sourceLocation: sourceLocation)
        #expect(result.status == 0, "sign failed: \(result.out) \(result.err)", sourceLocation: sourceLocation)
        return result.json(sourceLocation: sourceLocation)
    }

    /// The hex of a reading signed with `--value value`.
    static func signValue(_ key: GeneratedKey, _ value: String, seq: Int = 1, extra: [String] = [],
                          sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let json = try await sign(key, ["--seq", "\(seq)", "--time", time, "--value", value] + extra,
                            sourceLocation: sourceLocation)
        return try #require(json["reading"] as? String, sourceLocation: sourceLocation)
    }

    /// Runs `reading verify --json` with `arguments`.
    static func verify(_ arguments: [String], stdin: Data? = nil, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> ProcessResult {
        try await FogledgerBinary.run(["reading", "verify", "--json"] + arguments, stdin: stdin, sourceLocation: sourceLocation)
    }

    /// Expects a failed `--json` run: exit status 1, a JSON error with `code` on stdout, nothing on stderr.
    static func expectFailure(_ result: ProcessResult, code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, "exit status \(result.status): \(result.out) \(result.err)", sourceLocation: sourceLocation)
        #expect(result.errorCode == code, "stdout: \(result.out) stderr: \(result.err)", sourceLocation: sourceLocation)
        let error = result.json(sourceLocation: sourceLocation)["error"] as? [String: Any]
        #expect((error?["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    }

    /// `hex` with the hex digit at `index` (from the end when negative) changed.
    static func flipDigit(_ hex: String, at index: Int) -> String {
        var characters = Array(hex)
        let position = index >= 0 ? index : characters.count + index
        characters[position] = characters[position] == "0" ? "1" : "0"
        return String(characters)
    }
}

@Suite struct KeygenEndToEndTests {
    @Test(arguments: SignatureAlgorithm.allCases)
    func printsTheIdentityAndWritesA0600File(_ algorithm: SignatureAlgorithm) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("device.key").path
            let result = try await FogledgerBinary.run(["keygen", "--alg", algorithm.rawValue, "--out", path])
            #expect(result.status == 0, "\(result.err)")
            #expect(try permissions(of: path) == 0o600)
            let key = try KeyFile.read(path)
            #expect(key.algorithm == algorithm)
            let lines = result.out.split(separator: "\n").map(String.init)
            func row(_ label: String) -> String? {
                lines.first { $0.hasPrefix(label + " ") }.map { String($0.dropFirst(label.count)).trimmingCharacters(in: .whitespaces) }
            }
            #expect(row("algorithm") == algorithm.rawValue)
            #expect(row("address") == key.publicKey.address.hex)
            #expect(row("did") == key.publicKey.did)
            #expect(row("public key") == Hex.encode(COSEKey.encode(key.publicKey)))
            #expect(row("key file")?.hasPrefix(path) == true)
            #expect(result.stderr.isEmpty)
        }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func jsonOutputDescribesTheKey(_ algorithm: SignatureAlgorithm) async throws {
        try await withTemporaryDirectory { directory in
            let generated = try await CLI.keygen(algorithm, in: directory)
            #expect(generated.algorithm == algorithm.rawValue)
            #expect(generated.address.count == 40 && Hex.decode(generated.address) != nil)
            #expect(generated.did.hasPrefix("did:key:z"))
            // The printed public key, address and did all name the key in the file.
            let key = try KeyFile.read(generated.path)
            let publicKey = try COSEKey.decode(try #require(Hex.decode(generated.publicKey)))
            #expect(publicKey == key.publicKey)
            #expect(publicKey.address.hex == generated.address)
            #expect(try DIDKey.publicKey(from: generated.did) == key.publicKey)
            #expect(try permissions(of: generated.path) == 0o600)
        }
    }

    @Test func twoKeysDiffer() async throws {
        try await withTemporaryDirectory { directory in
            let a = try await CLI.keygen(.ed25519, in: directory, name: "a.key")
            let b = try await CLI.keygen(.ed25519, in: directory, name: "b.key")
            #expect(a.address != b.address)
        }
    }

    @Test func refusesToOverwriteWithoutForce() async throws {
        try await withTemporaryDirectory { directory in
            let first = try await CLI.keygen(.ed25519, in: directory, name: "k")
            let again = try await FogledgerBinary.run(["keygen", "--out", first.path, "--json"])
            CLI.expectFailure(again, code: "file-exists")
            #expect(try KeyFile.read(first.path).publicKey.address.hex == first.address)

            let text = try await FogledgerBinary.run(["keygen", "--out", first.path])
            #expect(text.status == 1)
            #expect(text.stdout.isEmpty)
            #expect(text.err.hasPrefix("error: ") && text.err.contains("--force"))

            let forced = try await FogledgerBinary.run(["keygen", "--out", first.path, "--force", "--json"])
            #expect(forced.status == 0)
            #expect(forced.json()["address"] as? String != first.address)
            #expect(try permissions(of: first.path) == 0o600)
        }
    }

    @Test func rejectsAnUnknownAlgorithm() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("k").path
            let result = try await FogledgerBinary.run(["keygen", "--alg", "rsa", "--out", path])
            #expect(result.status != 0)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}

@Suite struct ReadingEndToEndTests {
    @Test(arguments: SignatureAlgorithm.allCases)
    func signThenVerifyWithEveryKeyForm(_ algorithm: SignatureAlgorithm) async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(algorithm, in: directory)
            let signed = try await CLI.sign(key, ["--seq", "42", "--time", CLI.time, "--chain", "cold-chain.eu-1",
                                            "--value", #"{"temp": 4.5, "door": "closed", "n": -3}"#])
            let hex = try #require(signed["reading"] as? String)
            #expect(signed["device"] as? String == key.address)
            #expect(signed["seq"] as? Int == 42)
            #expect(signed["time"] as? Int == 1_700_000_000_123)
            #expect(signed["chain"] as? String == "cold-chain.eu-1")
            #expect(signed["bytes"] as? Int == hex.count / 2)
            #expect((signed["value"] as? [String: Any])?["temp"] as? Double == 4.5)
            #expect((signed["id"] as? String)?.count == 64)

            for keyArguments in [["--key", key.path], ["--public-key", key.publicKey], ["--did", key.did]] {
                let result = try await CLI.verify(keyArguments + [hex])
                #expect(result.status == 0, "\(keyArguments[0]): \(result.out) \(result.err)")
                let json = result.json()
                #expect(json["valid"] as? Bool == true)
                #expect(json["algorithm"] as? String == algorithm.rawValue)
                #expect(json["chain"] as? String == "cold-chain.eu-1")
                #expect(json["device"] as? String == key.address)
                let readings = try #require(json["readings"] as? [[String: Any]])
                #expect(readings.count == 1)
                #expect(readings.first?["seq"] as? Int == 42)
                #expect(readings.first?["time"] as? Int == 1_700_000_000_123)
                let value = try #require(readings.first?["value"] as? [String: Any])
                #expect(value["temp"] as? Double == 4.5)
                #expect(value["door"] as? String == "closed")
                #expect(value["n"] as? Int == -3)
            }
            // --chain that matches is accepted.
            let sameChain = try await CLI.verify(["--key", key.path, "--chain", "cold-chain.eu-1", hex])
            #expect(sameChain.status == 0)
        }
    }

    @Test func signedBytesAreTheDocumentedCOSESign1() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let hex = try await CLI.signValue(key, "7", seq: 3)
            let envelope = try COSESign1(decoding: try #require(Hex.decode(hex)))
            #expect(Hex.encode(envelope.protectedHeader) == "a10127")
            #expect(envelope.keyID == nil)
            let payload = try CBORReader.decode(envelope.payload)
            let expected = CBORValue.map([
                CBORMapEntry(.unsigned(0), .unsigned(1)),
                CBORMapEntry(.unsigned(1), .text("fogledger-dev")),
                CBORMapEntry(.unsigned(2), .bytes(try #require(Hex.decode(key.address)))),
                CBORMapEntry(.unsigned(3), .unsigned(3)),
                CBORMapEntry(.unsigned(4), .unsigned(1_700_000_000_123)),
                CBORMapEntry(.unsigned(5), .unsigned(7)),
            ])
            #expect(payload == expected)
            #expect(hex.hasPrefix("d28443a10127a0"))
        }
    }

    @Test func textOutputOfVerify() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.p256, in: directory)
            let hex = try await CLI.signValue(key, #"{"on": true}"#, seq: 9)
            let result = try await FogledgerBinary.run(["reading", "verify", "--did", key.did, hex])
            #expect(result.status == 0)
            #expect(result.out.contains("valid (p256)"))
            #expect(result.out.contains(key.address))
            #expect(result.out.contains(#"seq 9  time 1700000000123  value {"on":true}"#))
            #expect(result.stderr.isEmpty)
        }
    }

    @Test func signTextOutputIsTheHex() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let result = try await FogledgerBinary.run(["reading", "sign", "--key", key.path, "--seq", "1", "--value", "1"])
            #expect(result.status == 0)
            let hex = result.out.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Hex.decode(hex)?.first == 0xd2)
            #expect(try await CLI.verify(["--key", key.path, hex]).status == 0)
        }
    }

    @Test func payloadHashReadingRoundTrips() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let digest = Hex.encode(SHA256Hasher.hash(Array("an off-chain payload".utf8)).bytes)
            let signed = try await CLI.sign(key, ["--seq", "5", "--time", CLI.time, "--payload-hash", digest.uppercased(),
                                            "--media-type", "application/cbor"])
            let hex = try #require(signed["reading"] as? String)
            let result = try await CLI.verify(["--public-key", key.publicKey, hex])
            #expect(result.status == 0)
            let reading = try #require((result.json()["readings"] as? [[String: Any]])?.first)
            #expect(reading["payloadHash"] as? String == digest)
            #expect(reading["mediaType"] as? String == "application/cbor")
            #expect(reading["value"] == nil)

            // sign says "payloadHash" and "mediaType" as verify does: the off-chain payload, not the reading.
            #expect(signed["payloadHash"] as? String == digest)
            #expect(signed["mediaType"] as? String == "application/cbor")
            #expect(signed["value"] == nil)
            // The reading's own id is the SHA-256 of the signed payload, and both commands print it.
            let envelope = try COSESign1(decoding: try #require(Hex.decode(hex)))
            #expect(signed["id"] as? String == SHA256Hasher.hash(envelope.payload).hex)
            #expect(result.json()["id"] as? String == signed["id"] as? String)
        }
    }

    @Test(arguments: [SignatureAlgorithm.ed25519, .p256])
    func verifiesABatch(_ algorithm: SignatureAlgorithm) async throws {
        try await withTemporaryDirectory { directory in
            let generated = try await CLI.keygen(algorithm, in: directory)
            let key = try KeyFile.read(generated.path)
            let chain = try ChainID("fleet-7")
            let readings = try [
                Reading(chainID: chain, device: key.publicKey.address, sequence: 10, timeMillis: 1000,
                        content: .inline(.float(4.5))),
                Reading(chainID: chain, device: key.publicKey.address, sequence: 11, timeMillis: 2000,
                        content: .payload(hash: SHA256Hasher.hash([1, 2, 3]), mediaType: "image/jpeg")),
                Reading(chainID: chain, device: key.publicKey.address, sequence: 20, timeMillis: 3000,
                        content: .inline(.map([CBORMapEntry(.text("t"), .int(-40))]))),
            ]
            let batch = try ReadingBatch(chainID: chain, device: key.publicKey.address, readings: readings)
            let hex = Hex.encode(try Signed.sign(batch, with: key).bytes)

            let result = try await CLI.verify(["--public-key", generated.publicKey, "--chain", "fleet-7", hex])
            #expect(result.status == 0, "\(result.out)")
            let json = result.json()
            #expect(json["chain"] as? String == "fleet-7")
            #expect(json["device"] as? String == generated.address)
            let entries = try #require(json["readings"] as? [[String: Any]])
            #expect(entries.map { $0["seq"] as? Int } == [10, 11, 20])
            #expect(entries.map { $0["time"] as? Int } == [1000, 2000, 3000])
            #expect(entries[0]["value"] as? Double == 4.5)
            #expect(entries[1]["payloadHash"] as? String == SHA256Hasher.hash([1, 2, 3]).hex)
            #expect(entries[1]["mediaType"] as? String == "image/jpeg")
            #expect((entries[2]["value"] as? [String: Any])?["t"] as? Int == -40)

            CLI.expectFailure(try await CLI.verify(["--public-key", generated.publicKey, "--chain", "fleet-8", hex]),
                              code: "wrong-chain")
            CLI.expectFailure(try await CLI.verify(["--public-key", generated.publicKey, CLI.flipDigit(hex, at: -1)]),
                              code: "bad-signature")
            let text = try await FogledgerBinary.run(["reading", "verify", "--key", generated.path, hex])
            #expect(text.out.split(separator: "\n").filter { $0.hasPrefix("reading") }.count == 3)
        }
    }
}

@Suite struct ReadingInputEndToEndTests {
    @Test func readsHexAndBinaryFilesAndStandardInput() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let binaryPath = directory.appendingPathComponent("reading.cbor").path
            let hex = try await CLI.signValue(key, "21.5", extra: ["--out", binaryPath])
            let binary = try Data(contentsOf: URL(fileURLWithPath: binaryPath))
            #expect(Hex.encode(binary) == hex)

            let hexPath = directory.appendingPathComponent("reading.hex").path
            try Data("  \(hex)\n".utf8).write(to: URL(fileURLWithPath: hexPath))

            let runs: [(String, ProcessResult)] = await [
                ("--in hex file", try CLI.verify(["--key", key.path, "--in", hexPath])),
                ("--in binary file", try CLI.verify(["--key", key.path, "--in", binaryPath])),
                ("stdin hex", try CLI.verify(["--key", key.path], stdin: Data("\(hex)\n".utf8))),
                ("stdin binary", try await CLI.verify(["--key", key.path], stdin: binary)),
                ("--in - binary", try await CLI.verify(["--key", key.path, "--in", "-"], stdin: binary)),
                ("--in - hex", try await CLI.verify(["--key", key.path, "--in", "-"], stdin: Data(hex.uppercased().utf8))),
            ]
            for (name, result) in runs {
                #expect(result.status == 0, "\(name): \(result.out) \(result.err)")
                let reading = (result.json()["readings"] as? [[String: Any]])?.first
                #expect(reading?["value"] as? Double == 21.5, "\(name)")
            }
        }
    }

    @Test func refusesAnArgumentAndAFileTogether() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let hex = try await CLI.signValue(key, "1")
            let path = directory.appendingPathComponent("r.hex").path
            try Data(hex.utf8).write(to: URL(fileURLWithPath: path))
            CLI.expectFailure(try await CLI.verify(["--key", key.path, "--in", path, hex]), code: "invalid-argument")
        }
    }

    @Test func reportsAMissingInputFile() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let path = directory.appendingPathComponent("absent").path
            CLI.expectFailure(try await CLI.verify(["--key", key.path, "--in", path]), code: "io-error")
        }
    }

    @Test func rejectsOversizeInput() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let path = directory.appendingPathComponent("big").path
            try Data(repeating: 0x30, count: 8 * 1024 * 1024 + 2).write(to: URL(fileURLWithPath: path))
            let result = try await CLI.verify(["--key", key.path, "--in", path])
            CLI.expectFailure(result, code: "invalid-argument")
            #expect(result.out.contains("exceeds"))
        }
    }
}

@Suite struct ReadingFailureEndToEndTests {
    @Test func wrongKey() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory, name: "a")
            let other = try await CLI.keygen(.ed25519, in: directory, name: "b")
            let hex = try await CLI.signValue(key, "1")
            CLI.expectFailure(try await CLI.verify(["--key", other.path, hex]), code: "bad-signature")
            CLI.expectFailure(try await CLI.verify(["--public-key", other.publicKey, hex]), code: "bad-signature")
            CLI.expectFailure(try await CLI.verify(["--did", other.did, hex]), code: "bad-signature")
        }
    }

    @Test func keyOfAnotherAlgorithm() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let p256 = try await CLI.keygen(.p256, in: directory)
            let hex = try await CLI.signValue(key, "1")
            CLI.expectFailure(try await CLI.verify(["--public-key", p256.publicKey, hex]), code: "bad-signature")
        }
    }

    @Test(arguments: [SignatureAlgorithm.ed25519, .p256])
    func tamperedHex(_ algorithm: SignatureAlgorithm) async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(algorithm, in: directory)
            let hex = try await CLI.signValue(key, "1234")
            #expect(try await CLI.verify(["--key", key.path, hex]).status == 0)
            // The last signature byte, and a byte of the device address inside the payload.
            CLI.expectFailure(try await CLI.verify(["--key", key.path, CLI.flipDigit(hex, at: -1)]), code: "bad-signature")
            let addressOffset = try #require(hex.range(of: key.address)).lowerBound.utf16Offset(in: hex)
            CLI.expectFailure(try await CLI.verify(["--key", key.path, CLI.flipDigit(hex, at: addressOffset + 3)]),
                              code: "bad-signature")
            // The value (0x1904d2 = 1234 → 0x1904d3) inside the payload.
            let tamperedValue = hex.replacingOccurrences(of: "051904d2", with: "051904d3")
            #expect(tamperedValue != hex)
            CLI.expectFailure(try await CLI.verify(["--key", key.path, tamperedValue]), code: "bad-signature")
        }
    }

    @Test func wrongChain() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let hex = try await CLI.signValue(key, "1", extra: ["--chain", "chain-a"])
            let result = try await CLI.verify(["--key", key.path, "--chain", "chain-b", hex])
            CLI.expectFailure(result, code: "wrong-chain")
            #expect(result.out.contains("chain-a"))
            CLI.expectFailure(try await CLI.verify(["--key", key.path, "--chain", "Not A Chain", hex]), code: "invalid-argument")
        }
    }

    @Test func truncatedInput() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let hex = try await CLI.signValue(key, "1")
            for length in [2, 8, 40, hex.count / 4 * 2, hex.count - 2] {
                let result = try await CLI.verify(["--key", key.path, String(hex.prefix(length))])
                CLI.expectFailure(result, code: "malformed")
                #expect(result.out.contains("truncated"), "\(length): \(result.out)")
            }
            // Trailing bytes are no better.
            CLI.expectFailure(try await CLI.verify(["--key", key.path, hex + "00"]), code: "malformed")
        }
    }

    @Test func garbage() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            for garbage in ["zz", "abc", "hello world", "0x" + String(repeating: "ab", count: 10), ""] {
                CLI.expectFailure(try await CLI.verify(["--key", key.path, garbage]), code: "invalid-argument")
            }
            for hex in ["00", "a0", "d2", "d280", "d284404040", "c0" + String(repeating: "00", count: 10)] {
                CLI.expectFailure(try await CLI.verify(["--key", key.path, hex]), code: "malformed")
            }
            // Random bytes on standard input.
            var generator = SystemRandomNumberGenerator()
            let noise = Data((0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let result = try await CLI.verify(["--key", key.path], stdin: noise)
            #expect(result.status == 1)
            #expect(result.errorCode != nil)
        }
    }

    @Test func aMessageOfAnotherTypeIsNotAReading() async throws {
        try await withTemporaryDirectory { directory in
            let generated = try await CLI.keygen(.ed25519, in: directory)
            let key = try KeyFile.read(generated.path)
            // A correctly signed COSE_Sign1 whose payload is a map of type 3 (a transaction).
            let payload = CBORValue.map([CBORMapEntry(.unsigned(0), .unsigned(3)),
                                         CBORMapEntry(.unsigned(1), .text("fogledger-dev"))]).encoded
            let hex = Hex.encode(try COSESign1.sign(payload: payload, with: key).encoded)
            CLI.expectFailure(try await CLI.verify(["--key", generated.path, hex]), code: "wrong-object-type")
            // And one whose payload is not CBOR at all.
            let junk = Hex.encode(try COSESign1.sign(payload: Array("hello".utf8), with: key).encoded)
            CLI.expectFailure(try await CLI.verify(["--key", generated.path, junk]), code: "malformed")
        }
    }

    @Test func aKidThatNamesAnotherDevice() async throws {
        try await withTemporaryDirectory { directory in
            let generated = try await CLI.keygen(.ed25519, in: directory)
            let key = try KeyFile.read(generated.path)
            let reading = try Reading(chainID: ChainID("fogledger-dev"), device: key.publicKey.address, sequence: 1,
                                      timeMillis: 1, content: .inline(.null))
            let rightKid = try COSESign1.sign(payload: reading.encoded, with: key, keyID: key.publicKey.address.bytes)
            #expect(try await CLI.verify(["--key", generated.path, Hex.encode(rightKid.encoded)]).status == 0)
            let wrongKid = try COSESign1.sign(payload: reading.encoded, with: key, keyID: Array(repeating: 1, count: 20))
            CLI.expectFailure(try await CLI.verify(["--key", generated.path, Hex.encode(wrongKid.encoded)]),
                              code: "bad-signature")
        }
    }

    @Test func signNeedsExactlyOneKindOfContent() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let digest = String(repeating: "ab", count: 32)
            let cases: [[String]] = [
                [],
                ["--value", "1", "--payload-hash", digest, "--media-type", "a/b"],
                ["--value", "1", "--payload-hash", digest],
                ["--value", "1", "--media-type", "a/b"],
                ["--payload-hash", digest],
                ["--media-type", "a/b"],
            ]
            for arguments in cases {
                let result = try await FogledgerBinary.run(["reading", "sign", "--key", key.path, "--seq", "1", "--json"] + arguments)
                CLI.expectFailure(result, code: "invalid-argument")
            }
            let shortHash = try await FogledgerBinary.run(["reading", "sign", "--key", key.path, "--seq", "1", "--json",
                                                     "--payload-hash", "abcd", "--media-type", "a/b"])
            CLI.expectFailure(shortHash, code: "invalid-argument")
            let emptyType = try await FogledgerBinary.run(["reading", "sign", "--key", key.path, "--seq", "1", "--json",
                                                     "--payload-hash", digest, "--media-type", ""])
            CLI.expectFailure(emptyType, code: "limit-exceeded")
        }
    }

    @Test func sequenceZeroIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let result = try await FogledgerBinary.run(["reading", "sign", "--key", key.path, "--seq", "0", "--value", "1", "--json"])
            CLI.expectFailure(result, code: "invalid-value")
            #expect(result.out.contains("seq"))
        }
    }

    @Test func aValueThatIsNotJSONIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            for value in ["nope", "{temp: 4}", "[1, 2", "'x'", ""] {
                let result = try await FogledgerBinary.run(["reading", "sign", "--key", key.path, "--seq", "1", "--value", value, "--json"])
                CLI.expectFailure(result, code: "invalid-argument")
            }
            // Text mode: the message goes to standard error, nothing to standard output.
            let text = try await FogledgerBinary.run(["reading", "sign", "--key", key.path, "--seq", "1", "--value", "nope"])
            #expect(text.status == 1)
            #expect(text.stdout.isEmpty)
            #expect(text.err.hasPrefix("error: value is not valid JSON"))
        }
    }

    @Test func anInlineValueOverItsLimitIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            // A 1,024-byte encoded value is the most a reading carries inline: a 1,021-byte text is 3 + 1,021.
            let fits = "\"" + String(repeating: "x", count: 1021) + "\""
            #expect(try await CLI.verify(["--key", key.path, try CLI.signValue(key, fits)]).status == 0)
            let tooBig = "\"" + String(repeating: "x", count: 1022) + "\""
            let result = try await FogledgerBinary.run(["reading", "sign", "--key", key.path, "--seq", "1", "--value", tooBig, "--json"])
            CLI.expectFailure(result, code: "limit-exceeded")
        }
    }

    @Test func aDamagedKeyFileIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            var text = try String(contentsOfFile: key.path, encoding: .utf8)
            text = text.replacingOccurrences(of: key.address, with: String(repeating: "0", count: 40))
            try text.write(toFile: key.path, atomically: false, encoding: .utf8)
            let sign = try await FogledgerBinary.run(["reading", "sign", "--key", key.path, "--seq", "1", "--value", "1", "--json"])
            CLI.expectFailure(sign, code: "invalid-key-file")
            let verify = try await CLI.verify(["--key", key.path, "d2"])
            #expect(verify.status == 1)
        }
    }

    @Test func verifyNeedsExactlyOneKey() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let hex = try await CLI.signValue(key, "1")
            CLI.expectFailure(try await CLI.verify([hex]), code: "invalid-argument")
            CLI.expectFailure(try await CLI.verify(["--key", key.path, "--did", key.did, hex]), code: "invalid-argument")
            CLI.expectFailure(try await CLI.verify(["--public-key", "zz", hex]), code: "invalid-argument")
            CLI.expectFailure(try await CLI.verify(["--public-key", "a0", hex]), code: "invalid-key")
            CLI.expectFailure(try await CLI.verify(["--did", "did:web:example.com", hex]), code: "invalid-key")
            CLI.expectFailure(try await CLI.verify(["--did", "did:key:z111", hex]), code: "invalid-key")
        }
    }
}

@Suite struct UsageEndToEndTests {
    @Test func usageErrorsInJSONModeAreJSON() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let cases: [[String]] = [
                ["reading", "sign", "--key", key.path, "--seq", "abc", "--value", "1", "--json"],
                ["reading", "sign", "--key", key.path, "--seq", "-1", "--value", "1", "--json"],
                ["reading", "sign", "--key", key.path, "--value", "1", "--json"],
                ["reading", "verify", "--json", "--no-such-option"],
                ["keygen", "--json"],
                ["keygen", "--alg", "rsa", "--out", directory.appendingPathComponent("x").path, "--json"],
                ["no-such-command", "--json"],
            ]
            for arguments in cases {
                let result = try await FogledgerBinary.run(arguments)
                CLI.expectFailure(result, code: "invalid-argument")
                #expect(result.stderr.isEmpty, "\(arguments): \(result.err)")
            }
        }
    }

    @Test func usageErrorsInTextModeKeepTheUsualReport() async throws {
        let result = try await FogledgerBinary.run(["keygen"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.err.contains("--out"))
    }

    @Test func helpIsStillHelp() async throws {
        for arguments in [["--help"], ["reading", "sign", "--help", "--json"], ["help", "reading", "verify"]] {
            let result = try await FogledgerBinary.run(arguments)
            #expect(result.status == 0, "\(arguments)")
            #expect(result.out.contains("USAGE"), "\(arguments)")
        }
    }

    @Test func aNegativeValueNeedsNoEqualsSign() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            for (value, expected) in [("-3", -3.0), ("-1.5", -1.5)] {
                let hex = try await CLI.signValue(key, value)
                let result = try await CLI.verify(["--key", key.path, hex])
                let reading = (result.json()["readings"] as? [[String: Any]])?.first
                #expect((reading?["value"] as? NSNumber)?.doubleValue == expected, "\(value)")
            }
        }
    }
}

@Suite struct FileInputEndToEndTests {
    @Test func verifyChecksItsOptionsBeforeWaitingForStandardInput() async throws {
        // Standard input stays open, as a terminal's would: the missing key must be reported at once.
        let result = try await FogledgerBinary.run(["reading", "verify", "--json"], keepStdinOpen: true, timeout: 60)
        CLI.expectFailure(result, code: "invalid-argument")
        let badChain = try await FogledgerBinary.run(["reading", "verify", "--json", "--did", "did:key:z6Mk", "--chain", "A B"],
                                               keepStdinOpen: true, timeout: 60)
        #expect(badChain.status == 1)
        #expect(!badChain.timedOut)
    }

    @Test func aDirectoryIsAnIOErrorNotGarbage() async throws {
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let result = try await CLI.verify(["--key", key.path, "--in", directory.path])
            CLI.expectFailure(result, code: "io-error")
            let asKey = try await FogledgerBinary.run(["reading", "sign", "--key", directory.path, "--seq", "1", "--value", "1", "--json"])
            CLI.expectFailure(asKey, code: "io-error")
        }
    }

    @Test func anEmptyKeyFileIsNotAKeyFile() async throws {
        let result = try await FogledgerBinary.run(["reading", "sign", "--key", "/dev/null", "--seq", "1", "--value", "1", "--json"])
        CLI.expectFailure(result, code: "invalid-key-file")
    }

    @Test func anEndlessKeyFileIsReadOnlyToItsLimit() async throws {
        let result = try await FogledgerBinary.run(["reading", "sign", "--key", "/dev/zero", "--seq", "1", "--value", "1", "--json"],
                                             timeout: 30)
        CLI.expectFailure(result, code: "invalid-key-file")
        #expect(result.out.contains("larger than a key file"))
        let input = try await FogledgerBinary.run(["reading", "verify", "--did", "did:key:z6Mk", "--in", "/dev/zero", "--json"],
                                            timeout: 30)
        #expect(input.status == 1)
    }

    @Test func aKeyFromAPipe() async throws {
        let bash = try #require(Subprocess.onPath("bash"), "bash is needed for process substitution")
        let binary = try #require(FogledgerBinary.url, Comment(rawValue: FogledgerBinary.missingReason))
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(.ed25519, in: directory)
            let script = #"exec "$0" reading sign --key <(cat "$1") --seq 1 --value 1 --json"#
            let result = try await Subprocess.run(bash, ["-c", script, binary.path, key.path], timeout: 60)
            #expect(result.status == 0, "\(result.out) \(result.err)")
            #expect(result.json()["device"] as? String == key.address)
        }
    }
}
