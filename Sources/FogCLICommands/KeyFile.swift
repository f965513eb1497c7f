public import FogCrypto
import FogCore
import Foundation

/// A private key on disk: JSON, written with mode 0600.
///
/// ```json
/// {"type": "fogledger-private-key", "version": 1, "algorithm": "ed25519",
///  "seed": "<64 hex>", "address": "<40 hex>", "did": "did:key:z…", "publicKey": "<COSE_Key hex>"}
/// ```
/// The seed is the secret; the other fields are derived and checked on load, so a damaged or edited
/// file is caught rather than silently signing with another key.
public enum KeyFile {
    private static let type = "fogledger-private-key"
    private static let maxFileBytes = 64 * 1024

    private struct Contents: Codable {
        var type: String
        var version: Int
        var algorithm: String
        var seed: String
        var address: String
        var did: String
        var publicKey: String
    }

    /// Writes `key` to `path` with mode 0600; refuses to overwrite unless `overwrite` is set.
    public static func write(_ key: PrivateKey, to path: String, overwrite: Bool = false) throws(CLIError) {
        let contents = Contents(
            type: type, version: 1, algorithm: key.algorithm.rawValue, seed: Hex.encode(key.seed),
            address: key.publicKey.address.hex, did: key.publicKey.did, publicKey: Hex.encode(COSEKey.encode(key.publicKey)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let manager = FileManager.default
        if manager.fileExists(atPath: path) && !overwrite {
            throw CLIError("file-exists", "\(path) already exists; pass --force to overwrite it")
        }
        do {
            var data = try encoder.encode(contents)
            data.append(0x0a)
            // Create the file with 0600 before any secret is written to it.
            _ = manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: data)
        } catch {
            throw CLIError("io-error", "cannot write key file \(path): \(error.localizedDescription)")
        }
    }

    /// Reads and checks a key file.
    public static func read(_ path: String) throws(CLIError) -> PrivateKey {
        let data: Data
        do throws(CLIError) {
            data = try BoundedInput.read(path, limit: maxFileBytes)
        } catch {
            throw CLIError(error.code, "key file: \(error.message)")
        }
        guard data.count <= maxFileBytes else {
            throw CLIError("invalid-key-file", "\(path) is larger than a key file can be")
        }
        guard let contents = try? JSONDecoder().decode(Contents.self, from: data), contents.type == type else {
            throw CLIError("invalid-key-file", "\(path) is not a FogLedger key file")
        }
        guard contents.version == 1 else {
            throw CLIError("invalid-key-file", "\(path) has key file version \(contents.version); this build reads version 1")
        }
        guard let algorithm = SignatureAlgorithm(rawValue: contents.algorithm) else {
            throw CLIError("invalid-key-file", "\(path): unknown algorithm \"\(contents.algorithm)\"")
        }
        guard let seed = Hex.decode(contents.seed) else {
            throw CLIError("invalid-key-file", "\(path): seed is not hexadecimal")
        }
        let key: PrivateKey
        do {
            key = try PrivateKey(algorithm: algorithm, seed: seed)
        } catch {
            throw CLIError("invalid-key-file", "\(path): \(error.detail)")
        }
        guard key.publicKey.address.hex == contents.address.lowercased(),
              Hex.encode(COSEKey.encode(key.publicKey)) == contents.publicKey.lowercased()
        else {
            throw CLIError("invalid-key-file", "\(path): the address or public key does not match the seed; the file is damaged")
        }
        return key
    }
}
