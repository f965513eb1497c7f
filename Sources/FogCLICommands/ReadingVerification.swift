import FogCore
import FogCrypto
import FogTypes
import Foundation

/// Offline verification of a signed reading or reading batch.
enum ReadingVerification {
    /// Decodes `bytes` as a signed reading or batch, checks the signature with `key`, and returns the
    /// readings it carries and its id (the SHA-256 of the signed payload).
    static func verify(_ bytes: [UInt8], with key: PublicKey, chain: ChainID?) throws(CLIError)
        -> (readings: [Reading], id: Hash256) {
        do {
            let envelope = try COSESign1(decoding: bytes)
            let value = try CBORReader.decode(envelope.payload)
            switch value[.unsigned(0)] {
            case .unsigned(ObjectType.readingBatch.rawValue):
                let signed = try Signed<ReadingBatch>(decoding: bytes, chain: chain)
                try signed.verify(with: key)
                return (signed.object.readings, signed.payloadHash)
            default:
                let signed = try Signed<Reading>(decoding: bytes, chain: chain)
                try signed.verify(with: key)
                return ([signed.object], signed.payloadHash)
            }
        } catch let error as ObjectError {
            throw CLIError(error.code.description, error.detail)
        } catch let error as CryptoError {
            throw CLIError(ObjectError(error).code.description, error.detail)
        } catch let error as CBORError {
            throw CLIError("malformed", error.description)
        } catch {
            throw CLIError("malformed", "\(error)")
        }
    }
}

/// Signed objects given on the command line: hex in an argument, or a file (hex or binary), or stdin.
enum SignedInput {
    /// The largest input read, in bytes.
    static let maxBytes = 8 * 1024 * 1024

    static func read(argument: String?, path: String?) throws(CLIError) -> [UInt8] {
        let raw: [UInt8]
        switch (argument, path) {
        case (let hex?, nil):
            raw = Array(hex.utf8)
        case (nil, let path?):
            let data = try BoundedInput.read(path == "-" ? nil : path, limit: maxBytes)
            guard data.count <= maxBytes else { throw CLIError("invalid-argument", "input exceeds \(maxBytes) bytes") }
            raw = Array(data)
        case (nil, nil):
            let data = try BoundedInput.read(nil, limit: maxBytes)
            guard data.count <= maxBytes else { throw CLIError("invalid-argument", "input exceeds \(maxBytes) bytes") }
            raw = Array(data)
        default:
            throw CLIError("invalid-argument", "give the reading as an argument or with --in, not both")
        }
        // Hex text (surrounding whitespace ignored) or binary CBOR, which starts with tag 18 (0xd2).
        if raw.first == 0xd2 { return raw }
        let text = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Hex.decode(text), !bytes.isEmpty else {
            throw CLIError("invalid-argument", "input is neither hexadecimal text nor a binary COSE_Sign1")
        }
        return bytes
    }
}
