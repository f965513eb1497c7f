import FogCore
import FogCrypto
import FogExecution
import FogTypes
import Testing

/// Gateway mode on chain: kind 9 registers a device with its attesting gateway, kind 10 commits the
/// readings that gateway attests (spec/gateway.md §5, spec/state.md).
@Suite struct GatewayAttestationTests {
    /// Bob's account is the gateway; Alice owns the devices.
    static let gateway = Ledger.bob
    static let meter = Ledger.key(20)
    static let pump = Ledger.key(21)

    static func registerAttested(_ device: PrivateKey, gateway: Address = gateway.publicKey.address) -> TransactionBody {
        .gateway(.registerAttestedDevice(try! DeviceRegistration(publicKey: device.publicKey, deviceType: "meter",
                                                                 metadata: .map([])), gateway: gateway))
    }

    static func attested(_ device: PrivateKey, seq: UInt64, gateway: Address = gateway.publicKey.address,
                         chain: ChainID = Ledger.chain) -> Reading {
        try! Reading(chainID: chain, device: device.publicKey.address, sequence: seq, timeMillis: 1_700_000_000_000 + seq,
                     content: .inline(.unsigned(seq)), attestingGateway: gateway)
    }

    static func attestation(_ readings: [Reading]) -> TransactionBody {
        .gateway(.attestReadings(readings))
    }

    /// A ledger where Alice registered the meter and the pump with Bob as their gateway.
    static func ledger() throws -> Ledger {
        var ledger = Ledger()
        #expect(try ledger.codes([ledger.tx(Ledger.alice, registerAttested(meter)),
                                  ledger.tx(Ledger.alice, registerAttested(pump))]) == ["ok", "ok"])
        return ledger
    }

    @Test func registrationRecordsTheGateway() throws {
        let ledger = try Self.ledger()
        let record = try #require(try ledger.device(Self.meter))
        #expect(record.attestingGateway == Self.gateway.publicKey.address)
        #expect(record.owner == Ledger.alice.publicKey.address)
        #expect(record.status == .active && record.lastSequence == 0)
        #expect(try DeviceRecord.decode(record.encoded) == record)
        // A plain device's record has no key 9: its encoding is what it was before gateway mode.
        var plain = Ledger()
        try plain.registerSensor()
        let plainRecord = try #require(try plain.device(Ledger.sensor))
        #expect(plainRecord.attestingGateway == nil)
        guard case .map(let entries) = try CBORReader.decode(plainRecord.encoded) else { Issue.record("not a map"); return }
        #expect(!entries.contains { $0.key == .unsigned(9) })
    }

    @Test func registrationErrors() throws {
        var ledger = try Self.ledger()
        #expect(try ledger.code(ledger.tx(Ledger.alice, Self.registerAttested(Self.meter))) == "device-exists")
        #expect(try ledger.code(ledger.tx(Ledger.alice, Self.registerAttested(Ledger.key(22),
                                                                              gateway: Ledger.carol.publicKey.address)))
                == "unknown-account")
    }

    @Test func attestedReadingsAreCommittedAsAttested() throws {
        var ledger = try Self.ledger()
        let readings = [Self.attested(Self.meter, seq: 1), Self.attested(Self.pump, seq: 5), Self.attested(Self.meter, seq: 2)]
        let result = try ledger.run([ledger.tx(Self.gateway, Self.attestation(readings))])
        #expect(result.receipts.map(\.code) == ["ok"])
        #expect(result.readings == readings)
        #expect(result.readings.allSatisfy { $0.attestingGateway == Self.gateway.publicKey.address })
        #expect(try ledger.device(Self.meter)?.lastSequence == 2)
        #expect(try ledger.device(Self.pump)?.lastSequence == 5)
        #expect(try ledger.account(Self.gateway)?.nonce == 1)
        // The leaf carries the gateway: it round-trips through its encoding.
        #expect(try Reading.decode(readings[0].encoded) == readings[0])
    }

    @Test func onlyTheNamedGatewayMayAttest() throws {
        var ledger = try Self.ledger()
        let alice = Ledger.alice.publicKey.address
        #expect(try ledger.code(ledger.tx(Ledger.alice, Self.attestation([Self.attested(Self.meter, seq: 1, gateway: alice)])))
                == "not-device-gateway")
        // The signer must be the gateway each reading names.
        #expect(try ledger.code(ledger.tx(Ledger.alice, Self.attestation([Self.attested(Self.meter, seq: 1)])))
                == "attestation-mismatch")
        // A device registered to sign for itself has no attesting gateway.
        try ledger.registerSensor()
        #expect(try ledger.code(ledger.tx(Self.gateway, Self.attestation([Self.attested(Ledger.sensor, seq: 1)])))
                == "not-device-gateway")
        #expect(try ledger.code(ledger.tx(Self.gateway, Self.attestation([Self.attested(Ledger.key(23), seq: 1)])))
                == "unknown-device")
        #expect(try ledger.device(Self.meter)?.lastSequence == 0)
    }

    @Test func sequencesStrictlyIncrease() throws {
        var ledger = try Self.ledger()
        #expect(try ledger.code(ledger.tx(Self.gateway, Self.attestation([Self.attested(Self.meter, seq: 3)]))) == "ok")
        #expect(try ledger.code(ledger.tx(Self.gateway, Self.attestation([Self.attested(Self.meter, seq: 3)])))
                == "stale-sequence")
        // A device-signed reading shares the device's sequence numbers.
        #expect(try ledger.code(Ledger.reading(Self.meter, seq: 2)) == "stale-sequence")
        #expect(try ledger.code(Ledger.reading(Self.meter, seq: 4)) == "ok")
        // Within one attestation, a device's readings must increase (a decoding rule).
        let body = Self.attestation([Self.attested(Self.pump, seq: 2), Self.attested(Self.pump, seq: 2)])
        #expect(try ledger.code(ledger.tx(Self.gateway, body)) == "invalid-value")
    }

    @Test func theDeviceMustBeActive() throws {
        var ledger = try Self.ledger()
        let meter = Self.meter.publicKey.address
        #expect(try ledger.code(ledger.tx(Ledger.alice, .suspendDevice(meter))) == "ok")
        #expect(try ledger.code(ledger.tx(Self.gateway, Self.attestation([Self.attested(Self.meter, seq: 1)])))
                == "device-suspended")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .revokeDevice(meter))) == "ok")
        #expect(try ledger.code(ledger.tx(Self.gateway, Self.attestation([Self.attested(Self.meter, seq: 1)])))
                == "device-revoked")
    }

    @Test func oneBadReadingRefusesTheWholeAttestation() throws {
        var ledger = try Self.ledger()
        let body = Self.attestation([Self.attested(Self.meter, seq: 1), Self.attested(Self.pump, seq: 1, chain: Ledger.otherChain)])
        #expect(try ledger.code(ledger.tx(Self.gateway, body)) == "wrong-chain")
        #expect(try ledger.device(Self.meter)?.lastSequence == 0)
        #expect(try ledger.account(Self.gateway)?.nonce == 0)
    }

    @Test func aDeviceSignedReadingNamesNoGateway() throws {
        var ledger = try Self.ledger()
        let reading = Self.attested(Self.meter, seq: 1)
        #expect(try ledger.code(try Signed.sign(reading, with: Self.meter).bytes) == "attestation-mismatch")
        #expect(throws: ObjectError.self) {
            try ReadingBatch(chainID: Ledger.chain, device: Self.meter.publicKey.address, readings: [reading])
        }
    }

    @Test func attestationBodiesAreStrict() throws {
        var ledger = try Self.ledger()
        // No readings.
        let empty = CBORValue.map([CBORMapEntry(.int(1), .array([]))])
        #expect(try ledger.code(Ledger.rawTx(Self.gateway, kind: 10, body: empty, nonce: 0)) == "limit-exceeded")
        // A reading that names no gateway.
        let plain = try Reading(chainID: Ledger.chain, device: Self.meter.publicKey.address, sequence: 1, timeMillis: 1,
                                content: .inline(.unsigned(1)))
        let unnamed = CBORValue.map([CBORMapEntry(.int(1), .array([plain.cborValue]))])
        #expect(try ledger.code(Ledger.rawTx(Self.gateway, kind: 10, body: unnamed, nonce: 0)) == "invalid-value")
        // Bodies round-trip.
        for body in [Self.registerAttested(Self.meter), Self.attestation([Self.attested(Self.meter, seq: 1)])] {
            #expect(try TransactionBody(kind: body.kind, body: try CBORReader.decode(body.cborValue.encoded)) == body)
        }
        #expect(TransactionKind.registerAttestedDevice.isKnown && TransactionKind.attestReadings.isKnown)
    }
}
