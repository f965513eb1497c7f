import FogCore
import FogCrypto
import FogTypes
import Foundation

/// Files of CBOR objects given on the command line (a genesis, a proof bundle): binary CBOR, or the same
/// bytes as hexadecimal text (surrounding whitespace ignored); `-` reads standard input.
enum CBORFileInput {
    /// The largest object, in bytes: the default decoder's input limit (4 MiB), which bounds a bundle.
    static let maxBytes = CBORLimits.default.maxInputBytes
    /// The most read from a file: an object at the limit as hex, with some whitespace.
    static let maxRawBytes = 2 * maxBytes + 65_536

    /// Reads the file at `path` (`-`: standard input) with a size bound and returns its bytes, hex
    /// text decoded. Too large is `limitCode`; empty is `emptyCode`.
    static func read(_ path: String, what: String, limitCode: String, emptyCode: String) throws(CLIError) -> [UInt8] {
        let data = try BoundedInput.read(path == "-" ? nil : path, limit: maxRawBytes)
        guard data.count <= maxRawBytes else {
            throw CLIError(limitCode, "\(what) \(path) exceeds \(maxRawBytes) bytes")
        }
        let bytes = binaryOrHex(Array(data))
        guard !bytes.isEmpty else { throw CLIError(emptyCode, "\(what) \(path) is empty") }
        guard bytes.count <= maxBytes else {
            throw CLIError(limitCode, "\(what) \(path) holds \(bytes.count) bytes, more than \(maxBytes)")
        }
        return bytes
    }

    /// Hex text decoded, or else the bytes as they are (binary CBOR; a CBOR map, as every FogLedger
    /// object is, starts with a byte in 0xa0–0xbf, never an ASCII hex digit, so the two cannot be confused).
    static func binaryOrHex(_ raw: [UInt8]) -> [UInt8] {
        if let first = raw.first, first < 0x80,
           let text = String(validating: raw, as: UTF8.self),
           let bytes = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return bytes
        }
        return raw
    }

    /// The type tag (key 0) of a CBOR map, when `value` is one with an unsigned tag.
    static func typeTag(of value: CBORValue) -> UInt64? {
        guard case .map = value, case .unsigned(let tag)? = value[.unsigned(0)] else { return nil }
        return tag
    }

    /// "genesis (tag 20)", "tag 99", or "a CBOR array" — what an object is, for error messages.
    static func describeKind(of value: CBORValue) -> String {
        guard let tag = typeTag(of: value) else { return "a CBOR \(value.typeName) that is no FogLedger object" }
        if let type = ObjectType(rawValue: tag) { return "a \(type) (tag \(tag))" }
        return "an object of unknown type tag \(tag)"
    }
}

/// The genesis file (spec/light-client.md, "Genesis file"): the canonical CBOR encoding of a `Genesis`
/// (tag 20), binary (`genesis.cbor`) or as hex text. Its identity, the genesis hash bundles name, is
/// SHA-256 of those bytes.
struct GenesisFile {
    /// The genesis.
    let genesis: Genesis
    /// Its encoding, as read.
    let bytes: [UInt8]
    /// SHA-256 of `bytes`.
    var hash: Hash256 { SHA256Hasher.hash(bytes) }

    /// Reads and strictly decodes the genesis file at `path` (`-`: standard input). Any problem is
    /// `invalid-genesis` (or `io-error` when the file cannot be read).
    static func read(_ path: String) throws(CLIError) -> GenesisFile {
        let bytes = try CBORFileInput.read(path, what: "genesis file", limitCode: "invalid-genesis", emptyCode: "invalid-genesis")
        return try decode(bytes, name: path)
    }

    /// Decodes a genesis from its encoding.
    static func decode(_ bytes: [UInt8], name: String) throws(CLIError) -> GenesisFile {
        let value: CBORValue
        do {
            value = try CBORReader.decode(bytes)
        } catch {
            throw CLIError("invalid-genesis", "\(name) is not a genesis file: \(ObjectError(error).description)")
        }
        guard CBORFileInput.typeTag(of: value) == ObjectType.genesis.rawValue else {
            throw CLIError("invalid-genesis",
                           "\(name) is not a genesis file: it holds \(CBORFileInput.describeKind(of: value)), not a genesis (tag 20)")
        }
        let genesis: Genesis
        do {
            genesis = try Genesis.decode(value)
        } catch {
            throw CLIError("invalid-genesis", "\(name) is not a valid genesis: \(error.description)")
        }
        // The strict decoder accepts only the canonical encoding, so this holds; checked because the
        // genesis hash is defined over the file's bytes.
        guard genesis.encoded == bytes else {
            throw CLIError("invalid-genesis", "\(name) is not the canonical encoding of its genesis")
        }
        return GenesisFile(genesis: genesis, bytes: bytes)
    }
}

/// Renderings shared by `genesis show` and `verify`.
enum Render {
    /// Milliseconds since the Unix epoch and the same instant in ISO 8601 (UTC).
    static func time(_ millis: UInt64) -> String {
        guard millis <= 253_402_300_799_999 else { return "\(millis)" }  // beyond year 9999
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return "\(millis) (\(formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))))"
    }

    /// The genesis as `genesis show` prints it.
    static func genesis(_ file: GenesisFile) -> (text: String, json: JSONValue) {
        let genesis = file.genesis
        var text = table([
            ("chain", genesis.chainID.value),
            ("time", time(genesis.timeMillis)),
            ("consensus", genesis.consensus.rawValue),
            ("genesis hash", file.hash.hex),
            ("validators", "\(genesis.validators.validators.count) (total power \(genesis.validators.totalPower))"),
        ])
        for validator in genesis.validators.validators {
            text += "\n  \(validator.address.hex)  \(validator.publicKey.algorithm.rawValue)  power \(validator.power)"
        }
        text += "\naccounts      \(genesis.accounts.count)"
        for account in genesis.accounts {
            text += "\n  \(account.publicKey.address.hex)  \(account.publicKey.algorithm.rawValue)  balance \(account.balance)"
        }
        let json = JSONValue.object([
            "chain": .string(genesis.chainID.value),
            "time": .uint(genesis.timeMillis),
            "consensus": .string(genesis.consensus.rawValue),
            "genesisHash": .string(file.hash.hex),
            "totalPower": .uint(genesis.validators.totalPower),
            "validators": .array(genesis.validators.validators.map { validator in
                .object([
                    "address": .string(validator.address.hex),
                    "algorithm": .string(validator.publicKey.algorithm.rawValue),
                    "power": .uint(validator.power),
                ])
            }),
            "accounts": .array(genesis.accounts.map { account in
                .object([
                    "address": .string(account.publicKey.address.hex),
                    "algorithm": .string(account.publicKey.algorithm.rawValue),
                    "balance": .uint(account.balance),
                ])
            }),
        ])
        return (text, json)
    }
}
