import FogCore
import FogCrypto
import FogTestKit
import Foundation
import Testing

@testable import FogCLICommands

@Suite struct KeyFileTests {
    private static func key(_ algorithm: SignatureAlgorithm, seed: UInt64 = 7) -> PrivateKey {
        var generator = SeededGenerator(seed: seed)
        return PrivateKey.generate(algorithm, using: &generator)
    }

    /// The error `body` throws, or `nil` (and an issue) when it throws none.
    private static func cliError(_ body: () throws(CLIError) -> Void,
                                 sourceLocation: SourceLocation = #_sourceLocation) -> CLIError? {
        do {
            try body()
            Issue.record("expected a CLIError", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// Writes a key file, lets `edit` change its JSON object, and returns the error reading it gives.
    private static func readError(
        afterEditing edit: (inout [String: Any]) -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> CLIError? {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("key.json").path
            try KeyFile.write(key(.ed25519), to: path)
            var object = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            edit(&object)
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
            return cliError({ () throws(CLIError) in _ = try KeyFile.read(path) }, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func roundTrips(_ algorithm: SignatureAlgorithm) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("\(algorithm).json").path
            let original = Self.key(algorithm)
            try KeyFile.write(original, to: path)
            let loaded = try KeyFile.read(path)
            #expect(loaded.algorithm == algorithm)
            #expect(loaded.seed == original.seed)
            #expect(loaded.publicKey == original.publicKey)
            // The loaded key signs, and its signatures verify with the original public key.
            let message = Array("round trip".utf8)
            #expect(original.publicKey.isValidSignature(try loaded.signature(for: message), for: message))

            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            #expect(object["type"] as? String == "fogledger-private-key")
            #expect(object["version"] as? Int == 1)
            #expect(object["algorithm"] as? String == algorithm.rawValue)
            #expect(object["address"] as? String == original.publicKey.address.hex)
            #expect(object["did"] as? String == original.publicKey.did)
            #expect(object["publicKey"] as? String == Hex.encode(COSEKey.encode(original.publicKey)))
            #expect(object["seed"] as? String == Hex.encode(original.seed))
        }
    }

    @Test func isWrittenWithMode0600() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("key.json").path
            try KeyFile.write(Self.key(.ed25519), to: path)
            #expect(try permissions(of: path) == 0o600)
        }
    }

    @Test func overwritingAnOpenFileTightensItsMode() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("key.json").path
            #expect(FileManager.default.createFile(atPath: path, contents: Data("old".utf8),
                                                   attributes: [.posixPermissions: 0o644]))
            try KeyFile.write(Self.key(.p256), to: path, overwrite: true)
            #expect(try permissions(of: path) == 0o600)
            #expect(try KeyFile.read(path).algorithm == .p256)
        }
    }

    @Test func refusesToOverwriteWithoutForce() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("key.json").path
            let first = Self.key(.ed25519, seed: 1)
            try KeyFile.write(first, to: path)
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let error = Self.cliError { () throws(CLIError) in try KeyFile.write(Self.key(.ed25519, seed: 2), to: path) }
            #expect(error?.code == "file-exists")
            #expect(error?.message.contains("--force") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)

            let second = Self.key(.ed25519, seed: 2)
            try KeyFile.write(second, to: path, overwrite: true)
            #expect(try KeyFile.read(path).seed == second.seed)
            #expect(try permissions(of: path) == 0o600)
        }
    }

    @Test func rejectsAnEditedSeed() async throws {
        let error = try await Self.readError { object in
            let seed = object["seed"] as! String
            object["seed"] = (seed.first == "0" ? "1" : "0") + seed.dropFirst()
        }
        #expect(error?.code == "invalid-key-file")
        #expect(error?.message.contains("does not match the seed") == true)
    }

    @Test func rejectsAMismatchedAddress() async throws {
        let error = try await Self.readError { object in object["address"] = String(repeating: "ab", count: 20) }
        #expect(error?.code == "invalid-key-file")
        #expect(error?.message.contains("does not match the seed") == true)
    }

    @Test func rejectsAMismatchedPublicKey() async throws {
        let other = Hex.encode(COSEKey.encode(Self.key(.ed25519, seed: 99).publicKey))
        let error = try await Self.readError { object in object["publicKey"] = other }
        #expect(error?.code == "invalid-key-file")
    }

    @Test func acceptsUppercaseHexInDerivedFields() async throws {
        let error = try await withTemporaryDirectory { directory -> CLIError? in
            let path = directory.appendingPathComponent("key.json").path
            try KeyFile.write(Self.key(.ed25519), to: path)
            var object = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            object["address"] = (object["address"] as! String).uppercased()
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
            do throws(CLIError) { _ = try KeyFile.read(path); return nil } catch { return error }
        }
        #expect(error == nil, "\(error?.message ?? "")")
    }

    @Test func rejectsAnotherType() async throws {
        let error = try await Self.readError { object in object["type"] = "something-else" }
        #expect(error?.code == "invalid-key-file")
        #expect(error?.message.contains("not a FogLedger key file") == true)
    }

    @Test func rejectsAnotherVersion() async throws {
        let error = try await Self.readError { object in object["version"] = 2 }
        #expect(error?.code == "invalid-key-file")
        #expect(error?.message.contains("version 2") == true)
    }

    @Test func rejectsAnUnknownAlgorithm() async throws {
        let error = try await Self.readError { object in object["algorithm"] = "rsa" }
        #expect(error?.code == "invalid-key-file")
        #expect(error?.message.contains("unknown algorithm") == true)
    }

    @Test func rejectsAnAlgorithmThatDisagreesWithTheKey() async throws {
        let error = try await Self.readError { object in object["algorithm"] = "p256" }
        #expect(error?.code == "invalid-key-file")
    }

    @Test func rejectsASeedThatIsNotHex() async throws {
        let error = try await Self.readError { object in object["seed"] = String(repeating: "zz", count: 32) }
        #expect(error?.code == "invalid-key-file")
        #expect(error?.message.contains("not hexadecimal") == true)
    }

    @Test func rejectsASeedOfTheWrongLength() async throws {
        let error = try await Self.readError { object in object["seed"] = String(repeating: "11", count: 31) }
        #expect(error?.code == "invalid-key-file")
    }

    @Test func rejectsAMissingField() async throws {
        let error = try await Self.readError { object in object["did"] = nil }
        #expect(error?.code == "invalid-key-file")
    }

    @Test(arguments: ["", "{", "not json at all", "[]", "null", "{\"type\": 1}"])
    func rejectsBadJSON(_ text: String) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("key.json").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let error = Self.cliError { () throws(CLIError) in _ = try KeyFile.read(path) }
            #expect(error?.code == "invalid-key-file")
        }
    }

    @Test func rejectsAnOversizeFile() async throws {
        try await withTemporaryDirectory { directory in
            // A valid key file padded with whitespace past the 64 KiB limit.
            let path = directory.appendingPathComponent("key.json").path
            try KeyFile.write(Self.key(.ed25519), to: path)
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            data.append(Data(repeating: 0x20, count: 64 * 1024))
            try data.write(to: URL(fileURLWithPath: path))
            let error = Self.cliError { () throws(CLIError) in _ = try KeyFile.read(path) }
            #expect(error?.code == "invalid-key-file")
            #expect(error?.message.contains("larger than a key file can be") == true)
        }
    }

    @Test func reportsAMissingFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("absent.json").path
            let error = Self.cliError { () throws(CLIError) in _ = try KeyFile.read(path) }
            #expect(error?.code == "io-error")
            #expect(error?.message.contains(path) == true)
        }
    }

    @Test func reportsAnUnwritableLocation() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("no/such/dir/key.json").path
            let error = Self.cliError { () throws(CLIError) in try KeyFile.write(Self.key(.ed25519), to: path) }
            #expect(error?.code == "io-error")
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}
