import FogCore
import FogCrypto
import FogLight
import FogTypes
import Foundation

/// What `fogledger verify` proved: a reading or a state entry, checked by `LightVerifier` against a
/// trusted genesis.
enum ProvenFact: Equatable {
    case reading(VerifiedReading)
    case state(VerifiedState)
}

/// Offline verification of a proof bundle (spec/light-client.md) against a genesis file.
enum ProofVerification {
    /// Detects the bundle's kind by its type tag (26 reading proof, 27 state proof) and verifies it
    /// with a `LightVerifier` that trusts only `genesis`. Anything else is a `LightError`: `malformed`
    /// for bytes that are no bundle (or another kind of object), `limit-exceeded` past a limit.
    static func verify(_ bytes: [UInt8], genesis: Genesis) throws(LightError) -> ProvenFact {
        let value: CBORValue
        do {
            value = try CBORReader.decode(bytes)
        } catch {
            throw LightError(decoding: ObjectError(error))
        }
        let verifier = LightVerifier(genesis: genesis)
        switch CBORFileInput.typeTag(of: value) {
        case ObjectType.readingProof.rawValue:
            let proof: ReadingProof
            do { proof = try ReadingProof.decode(value) } catch { throw LightError(decoding: error) }
            return .reading(try verifier.verify(proof))
        case ObjectType.stateProof.rawValue:
            let proof: StateProof
            do { proof = try StateProof.decode(value) } catch { throw LightError(decoding: error) }
            return .state(try verifier.verify(proof))
        default:
            throw LightError(.malformed, "not a proof bundle: the input holds \(CBORFileInput.describeKind(of: value)), "
                                 + "not a reading proof (tag 26) or a state proof (tag 27)")
        }
    }

    /// The result as `verify` prints it.
    static func render(_ fact: ProvenFact, genesis file: GenesisFile) -> (text: String, json: JSONValue) {
        switch fact {
        case .reading(let verified): return render(verified, genesis: file)
        case .state(let verified): return render(verified, genesis: file)
        }
    }

    private static func render(_ verified: VerifiedReading, genesis file: GenesisFile) -> (text: String, json: JSONValue) {
        let reading = verified.reading
        var rows: [(String, String)] = [
            ("verified", "reading proof, trusting only genesis \(file.hash.hex)"),
            ("chain", reading.chainID.value),
            ("device", reading.device.hex),
            ("seq", "\(reading.sequence)"),
            ("time", Render.time(reading.timeMillis)),
            ("trust", "\(verified.trust)"),
        ]
        switch reading.content {
        case .inline(let value): rows.append(("value", JSONValue(cbor: value).rendered))
        case .payload(let hash, let type): rows.append(("payload", "\(hash.hex) (\(type))"))
        }
        rows += [
            ("height", "\(verified.height)"),
            ("block time", Render.time(verified.blockTimeMillis)),
            ("block id", verified.blockID.hex),
        ]
        guard case .object(var members) = ReadingVerifyCommand.json(reading) else {
            preconditionFailure("a reading renders as an object")
        }
        members["device"] = .string(reading.device.hex)
        members["chain"] = .string(reading.chainID.value)
        if let gateway = reading.attestingGateway { members["attestedBy"] = .string(gateway.hex) }
        let json = JSONValue.object([
            "verified": .bool(true),
            "kind": .string("reading-proof"),
            "genesisHash": .string(file.hash.hex),
            "chain": .string(reading.chainID.value),
            "reading": .object(members),
            "readingBytes": .string(Hex.encode(reading.encoded)),
            "trust": .string(reading.attestingGateway == nil ? "device-signed" : "gateway-attested"),
            "height": .uint(verified.height),
            "blockTime": .uint(verified.blockTimeMillis),
            "blockID": .string(verified.blockID.hex),
        ])
        return (table(rows), json)
    }

    private static func render(_ verified: VerifiedState, genesis file: GenesisFile) -> (text: String, json: JSONValue) {
        var rows: [(String, String)] = [
            ("verified", "state proof, trusting only genesis \(file.hash.hex)"),
            ("chain", file.genesis.chainID.value),
            ("key", verified.key.hex),
        ]
        var json: [String: JSONValue] = [
            "verified": .bool(true),
            "kind": .string("state-proof"),
            "genesisHash": .string(file.hash.hex),
            "chain": .string(file.genesis.chainID.value),
            "key": .string(verified.key.hex),
            "present": .bool(verified.record != nil),
            "height": .uint(verified.height),
            "blockTime": .uint(verified.blockTimeMillis),
            "blockID": .string(verified.blockID.hex),
            "stateRoot": .string(verified.stateRoot.hex),
        ]
        if let record = verified.record {
            let (recordRows, recordJSON) = describe(record: record)
            rows += recordRows
            rows.append(("record bytes", Hex.encode(record)))
            json["record"] = recordJSON
            json["recordBytes"] = .string(Hex.encode(record))
        } else {
            rows.append(("record", "absent (the key holds no value)"))
            json["record"] = .null
        }
        rows += [
            ("height", "\(verified.height)"),
            ("block time", Render.time(verified.blockTimeMillis)),
            ("block id", verified.blockID.hex),
            ("state root", verified.stateRoot.hex),
        ]
        return (table(rows), .object(json))
    }

    /// A record decoded when it is an account record (tag 21) or a device record (tag 22); otherwise
    /// only its size (the bytes are shown as hex beside).
    static func describe(record: [UInt8]) -> (rows: [(String, String)], json: JSONValue) {
        if let account = try? AccountRecord.decode(record) {
            return ([
                ("record", "account record (tag 21)"),
                ("  address", account.publicKey.address.hex),
                ("  algorithm", account.publicKey.algorithm.rawValue),
                ("  nonce", "\(account.nonce)"),
                ("  balance", "\(account.balance)"),
            ], .object([
                "type": .string("account-record"),
                "address": .string(account.publicKey.address.hex),
                "algorithm": .string(account.publicKey.algorithm.rawValue),
                "publicKey": .string(Hex.encode(COSEKey.encode(account.publicKey))),
                "nonce": .uint(account.nonce),
                "balance": .uint(account.balance),
            ]))
        }
        if let device = try? DeviceRecord.decode(record) {
            return ([
                ("record", "device record (tag 22)"),
                ("  address", device.publicKey.address.hex),
                ("  algorithm", device.publicKey.algorithm.rawValue),
                ("  owner", device.owner.hex),
                ("  type", device.deviceType),
                ("  metadata", JSONValue(cbor: device.metadata).rendered),
                ("  status", device.status.description),
                ("  last seq", "\(device.lastSequence)"),
                ("  registered at", "\(device.registeredAt)"),
                ("  nonce", "\(device.nonce)"),
            ], .object([
                "type": .string("device-record"),
                "address": .string(device.publicKey.address.hex),
                "algorithm": .string(device.publicKey.algorithm.rawValue),
                "publicKey": .string(Hex.encode(COSEKey.encode(device.publicKey))),
                "owner": .string(device.owner.hex),
                "deviceType": .string(device.deviceType),
                "metadata": JSONValue(cbor: device.metadata),
                "status": .string(device.status.description),
                "lastSeq": .uint(device.lastSequence),
                "registeredAt": .uint(device.registeredAt),
                "nonce": .uint(device.nonce),
            ]))
        }
        return ([("record", "\(record.count) bytes, neither an account nor a device record")],
                .object(["type": .string("raw"), "bytes": .uint(UInt64(record.count))]))
    }
}
