import FogCLICommands
import FogCore
import FogCrypto
import FogTestKit
import FogTypes
import Foundation
import Testing

/// Tests/Interop/make_reading.py: an independent device written in Python from the format alone,
/// with `cbor2` and `cryptography` (and `pycose` as a second, stock COSE implementation).
enum PythonInterop {
    /// The pip packages the interoperability tests need.
    static let packages = "cbor2 cryptography pycose"

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Interop/make_reading.py")

    static let python = Subprocess.onPath("python3")

    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Which of cbor2, cryptography and pycose python3 can import (empty without python3).
    static let modules: [String: Bool] = {
        guard let python,
              let result = try? Subprocess.run(python, [script.path, "check"], timeout: 60), result.status == 0,
              let object = try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Bool]
        else { return [:] }
        return object
    }()

    static func isReady(_ engine: String) -> Bool {
        let needed = engine == "pycose" ? ["cbor2", "cryptography", "pycose"] : ["cbor2", "cryptography"]
        return needed.allSatisfy { modules[$0] == true }
    }

    /// Runs locally only where Python is ready; in CI always, so that a missing install fails loudly.
    static func shouldRun(_ engine: String) -> Bool { isCI || isReady(engine) }

    static func skipReason(_ engine: String) -> Comment {
        Comment(rawValue: "python3 cannot import what the \(engine) interop test needs (found \(modules)); "
            + "install it with: pip install \(packages)")
    }

    /// Fails the test (with what to install) when Python is not ready.
    static func require(_ engine: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        try #require(isReady(engine), skipReason(engine), sourceLocation: sourceLocation)
        return try #require(python, skipReason(engine), sourceLocation: sourceLocation)
    }

    /// Runs the script and returns its JSON output (for `make`), failing the test on a non-zero exit.
    static func run(_ python: URL, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation)
        throws -> ProcessResult {
        let result = try Subprocess.run(python, [script.path] + arguments, timeout: 120)
        #expect(!result.timedOut, "make_reading.py \(arguments.first ?? "") ran too long", sourceLocation: sourceLocation)
        return result
    }
}

/// Compares two JSON fragments as Foundation parses them.
private func sameJSON(_ a: Any?, _ b: Any?) -> Bool {
    guard let a, let b else { return false }
    return NSArray(array: [a]).isEqual(NSArray(array: [b]))
}

@Suite struct PythonToFogledgerInteropTests {
    static let value = #"{"temp": 4.5, "cold": 4.0, "door": "closed", "n": -3, "ok": true, "tags": ["a", null], "big": 1099511627776}"#

    static func check(engine: String, algorithm: String) async throws {
        let python = try PythonInterop.require(engine)
        let made = try PythonInterop.run(python, ["make", "--engine", engine, "--alg", algorithm, "--chain", "interop-chain",
                                                  "--seq", "41", "--time", "1700000000456", "--value", value])
        #expect(made.status == 0, "make_reading.py make failed: \(made.err)")
        let output = made.json()
        let publicKey = try #require(output["publicKey"] as? String)
        let did = try #require(output["did"] as? String)
        let address = try #require(output["address"] as? String)
        let expected = try #require(output["expected"] as? [String: Any])

        // Python derived the same address from the COSE_Key as FogLedger does.
        let key = try COSEKey.decode(try #require(Hex.decode(publicKey)))
        #expect(key.algorithm.rawValue == algorithm)
        #expect(key.address.hex == address)
        // ... and the same did:key.
        #expect(key.did == did)

        // The single reading: with the COSE_Key, with the did:key, and with the chain required.
        let reading = try #require(output["reading"] as? String)
        for keyArguments in [["--public-key", publicKey], ["--did", did]] {
            let result = try await CLI.verify(keyArguments + ["--chain", "interop-chain", reading])
            #expect(result.status == 0, "\(engine)/\(algorithm) \(keyArguments[0]): \(result.out) \(result.err)")
            let json = result.json()
            #expect(json["valid"] as? Bool == true)
            #expect(json["algorithm"] as? String == algorithm)
            #expect(json["chain"] as? String == "interop-chain")
            #expect(json["device"] as? String == address)
            #expect(json["id"] as? String == output["readingId"] as? String)
            #expect(sameJSON(json["readings"], expected["reading"]), "\(result.out) vs \(String(describing: expected["reading"]))")
            // 4.0 stays a float on its way through both implementations.
            #expect(result.out.contains(#""cold":4.0"#))
        }

        // Other encodings a device may send: with a kid, and (P-256) with low and high S.
        let variants = try #require(output["variants"] as? [String: String])
        #expect(!variants.isEmpty)
        for (name, hex) in variants.sorted(by: { $0.key < $1.key }) {
            let result = try await CLI.verify(["--public-key", publicKey, hex])
            #expect(result.status == 0, "\(engine)/\(algorithm) variant \(name): \(result.out)")
            #expect(sameJSON(result.json()["readings"], expected["reading"]), "variant \(name)")
        }

        // The batch.
        let batch = try #require(output["batch"] as? String)
        let batchResult = try await CLI.verify(["--public-key", publicKey, "--chain", "interop-chain", batch])
        #expect(batchResult.status == 0, "\(engine)/\(algorithm) batch: \(batchResult.out)")
        #expect(batchResult.json()["device"] as? String == address)
        #expect(sameJSON(batchResult.json()["readings"], expected["batch"]), "\(batchResult.out)")

        // And FogLedger still says no when it should.
        CLI.expectFailure(try await CLI.verify(["--public-key", publicKey, "--chain", "another-chain", reading]), code: "wrong-chain")
        CLI.expectFailure(try await CLI.verify(["--public-key", publicKey, CLI.flipDigit(reading, at: -3)]), code: "bad-signature")
        CLI.expectFailure(try await CLI.verify(["--public-key", publicKey, CLI.flipDigit(batch, at: -3)]), code: "bad-signature")
    }

    @Test(.enabled(if: PythonInterop.shouldRun("cbor2"), PythonInterop.skipReason("cbor2")),
          arguments: ["ed25519", "p256"])
    func cbor2AndCryptographyReadingsVerify(_ algorithm: String) async throws {
        try await Self.check(engine: "cbor2", algorithm: algorithm)
    }

    @Test(.enabled(if: PythonInterop.shouldRun("pycose"), PythonInterop.skipReason("pycose")),
          arguments: ["ed25519", "p256"])
    func pycoseReadingsVerify(_ algorithm: String) async throws {
        try await Self.check(engine: "pycose", algorithm: algorithm)
    }
}

@Suite struct FogledgerToPythonInteropTests {
    static func check(engine: String, algorithm: SignatureAlgorithm) async throws {
        let python = try PythonInterop.require(engine)
        try await withTemporaryDirectory { directory in
            let key = try await CLI.keygen(algorithm, in: directory)
            let digest = SHA256Hasher.hash(Array("an image".utf8)).hex
            let signed = await [
                try CLI.signValue(key, #"{"temp": -18.25, "cold": 4.0, "door": "open", "seq": [1, 2, 3]}"#, seq: 5,
                                  extra: ["--chain", "interop-chain"]),
                try #require(try CLI.sign(key, ["--seq", "6", "--time", CLI.time, "--chain", "interop-chain",
                                                "--payload-hash", digest, "--media-type", "image/jpeg"])["reading"] as? String),
            ]
            // A batch, signed in-process with the same key (the CLI does not sign batches).
            let privateKey = try KeyFile.read(key.path)
            let chain = try ChainID("interop-chain")
            let entries = try (1...3).map { index in
                try Reading(chainID: chain, device: privateKey.publicKey.address, sequence: UInt64(10 * index),
                            timeMillis: UInt64(1000 * index), content: .inline(.float(Double(index) + 0.5)))
            }
            let batch = try ReadingBatch(chainID: chain, device: privateKey.publicKey.address, readings: entries)
            let all = signed + [Hex.encode(try Signed.sign(batch, with: privateKey).bytes)]

            for hex in all {
                let ours = try await CLI.verify(["--key", key.path, hex])
                #expect(ours.status == 0)
                let theirs = try PythonInterop.run(python, ["verify", "--engine", engine, "--public-key", key.publicKey,
                                                            "--chain", "interop-chain", hex])
                #expect(theirs.status == 0, "\(engine)/\(algorithm): Python rejected \(hex): \(theirs.out) \(theirs.err)")
                let json = theirs.json()
                #expect(json["valid"] as? Bool == true)
                #expect(json["algorithm"] as? String == algorithm.rawValue)
                #expect(json["chain"] as? String == "interop-chain")
                #expect(json["device"] as? String == key.address)
                #expect(json["id"] as? String == ours.json()["id"] as? String)
                #expect(sameJSON(json["readings"], ours.json()["readings"]), "\(theirs.out) vs \(ours.out)")
            }

            // The Python verifier is not a rubber stamp: tampering, another key, another chain all fail.
            let other = try await CLI.keygen(algorithm, in: directory, name: "other.key")
            let rejections: [[String]] = [
                ["--public-key", key.publicKey, CLI.flipDigit(signed[0], at: -3)],
                ["--public-key", other.publicKey, signed[0]],
                ["--public-key", key.publicKey, "--chain", "another-chain", signed[0]],
            ]
            for arguments in rejections {
                let result = try PythonInterop.run(python, ["verify", "--engine", engine] + arguments)
                #expect(result.status == 1, "\(engine)/\(algorithm): Python accepted \(arguments)")
                #expect(result.json()["valid"] as? Bool == false)
            }
        }
    }

    @Test(.enabled(if: PythonInterop.shouldRun("cbor2"), PythonInterop.skipReason("cbor2")),
          arguments: [SignatureAlgorithm.ed25519, .p256])
    func cbor2AndCryptographyVerifyFogledgerReadings(_ algorithm: SignatureAlgorithm) async throws {
        try await Self.check(engine: "cbor2", algorithm: algorithm)
    }

    @Test(.enabled(if: PythonInterop.shouldRun("pycose"), PythonInterop.skipReason("pycose")),
          arguments: [SignatureAlgorithm.ed25519, .p256])
    func pycoseVerifiesFogledgerReadings(_ algorithm: SignatureAlgorithm) async throws {
        try await Self.check(engine: "pycose", algorithm: algorithm)
    }
}
