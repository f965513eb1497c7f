import FogCore
import FogCrypto
import FogExecution
import FogTypes
import Testing

@Suite struct DeviceLifecycleTests {
    let alice = Ledger.alice.publicKey.address
    let bob = Ledger.bob.publicKey.address
    let sensor = Ledger.sensor.publicKey.address

    @Test func registerRecordsTheDevice() throws {
        var ledger = Ledger()
        ledger.height = 6
        try ledger.registerSensor()
        let record = try #require(try ledger.device(Ledger.sensor))
        #expect(record.publicKey == Ledger.sensor.publicKey)
        #expect(record.owner == alice)
        #expect(record.deviceType == "thermometer")
        #expect(record.metadata == .map([CBORMapEntry(.text("site"), .text("dock-4"))]))
        #expect(record.status == .active)
        #expect(record.lastSequence == 0)
        #expect(record.registeredAt == 7)
        #expect(record.nonce == 0)
        #expect(try DeviceRecord.decode(record.encoded) == record)
        #expect(try ledger.code(ledger.tx(Ledger.bob, Ledger.registration(Ledger.sensor))) == "device-exists")
    }

    @Test func registrationLimits() throws {
        var ledger = Ledger()
        let longType = String(repeating: "t", count: ObjectLimits.maxDeviceTypeBytes)
        #expect(try ledger.code(ledger.tx(Ledger.alice, Ledger.registration(Ledger.sensor, type: longType))) == "ok")
        func body(type: String, metadata: CBORValue) -> CBORValue {
            .map([CBORMapEntry(.int(1), COSEKey.value(Ledger.sensorP256.publicKey)), CBORMapEntry(.int(2), .text(type)),
                  CBORMapEntry(.int(3), metadata)])
        }
        let nonce = ledger.stateNonce(alice)
        #expect(try ledger.code(Ledger.rawTx(Ledger.alice, kind: 3, body: body(type: longType + "t", metadata: .map([])),
                                             nonce: nonce)) == "limit-exceeded")
        #expect(try ledger.code(Ledger.rawTx(Ledger.alice, kind: 3, body: body(type: "", metadata: .map([])),
                                             nonce: nonce)) == "limit-exceeded")
        // Metadata of exactly 1 KiB: a map of one text key and a byte string filling the rest.
        func metadata(_ total: Int) -> CBORValue {
            // a1 (1) + 61 6b (2) + 59 xx xx (3) + n bytes
            .map([CBORMapEntry(.text("k"), .bytes([UInt8](repeating: 7, count: total - 6)))])
        }
        #expect(metadata(1024).encoded.count == 1024)
        #expect(try ledger.code(Ledger.rawTx(Ledger.alice, kind: 3, body: body(type: "t", metadata: metadata(1025)),
                                             nonce: nonce)) == "limit-exceeded")
        #expect(try ledger.code(Ledger.rawTx(Ledger.alice, kind: 3, body: body(type: "t", metadata: metadata(1024)),
                                             nonce: nonce)) == "ok")
        #expect(try ledger.code(Ledger.rawTx(Ledger.alice, kind: 3, body: body(type: "t", metadata: .array([])),
                                             nonce: nonce + 1)) == "malformed")
    }

    @Test func rotateByTheOwnerThenTheOldKeyIsRejected() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        #expect(try ledger.code(Ledger.reading(Ledger.sensor, seq: 1)) == "ok")
        let newKey = Ledger.key(20)
        #expect(try ledger.code(ledger.tx(Ledger.alice, .rotateDeviceKey(device: sensor, newKey: newKey.publicKey))) == "ok")
        #expect(try ledger.device(Ledger.sensor)?.publicKey == newKey.publicKey)
        #expect(try ledger.code(Ledger.reading(Ledger.sensor, seq: 2)) == "bad-signature")
        #expect(try ledger.code(Ledger.reading(newKey, device: sensor, seq: 2)) == "ok")
        // The address stays; the record keeps its history.
        #expect(try ledger.device(Ledger.sensor)?.lastSequence == 2)
    }

    @Test func rotateByTheDeviceKeyThenTheOldKeyIsRejected() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        let newKey = Ledger.key(21, .p256)
        let rotation = ledger.tx(Ledger.sensor, .rotateDeviceKey(device: sensor, newKey: newKey.publicKey))
        #expect(try ledger.code(rotation) == "ok")
        #expect(try ledger.device(Ledger.sensor)?.nonce == 1)
        #expect(try ledger.device(Ledger.sensor)?.publicKey == newKey.publicKey)
        // A replay of the rotation, and a rotation signed with the old key.
        #expect(try ledger.code(rotation) == "bad-signature")
        #expect(try ledger.code(ledger.tx(Ledger.sensor, .rotateDeviceKey(device: sensor, newKey: Ledger.key(22).publicKey)))
                == "bad-signature")
        #expect(try ledger.code(Ledger.reading(Ledger.sensor, seq: 1)) == "bad-signature")
        #expect(try ledger.code(Ledger.reading(newKey, device: sensor, seq: 1)) == "ok")
        // The new key rotates again, with the device's next nonce; a stale nonce is refused.
        #expect(try ledger.code(ledger.tx(newKey, .rotateDeviceKey(device: sensor, newKey: Ledger.key(23).publicKey),
                                          nonce: 0, signer: sensor)) == "bad-nonce")
        #expect(try ledger.code(ledger.tx(newKey, .rotateDeviceKey(device: sensor, newKey: Ledger.key(23).publicKey),
                                          signer: sensor)) == "ok")
    }

    @Test func aDeviceMayRotateOnlyItselfAndDoNothingElse() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        try ledger.registerSensor(Ledger.sensorP256)
        let other = Ledger.sensorP256.publicKey.address
        #expect(try ledger.code(ledger.tx(Ledger.sensor, .rotateDeviceKey(device: other, newKey: Ledger.key(30).publicKey)))
                == "not-owner")
        #expect(try ledger.code(ledger.tx(Ledger.sensor, .suspendDevice(sensor))) == "unknown-signer")
        #expect(try ledger.code(ledger.tx(Ledger.bob, .rotateDeviceKey(device: sensor, newKey: Ledger.key(30).publicKey)))
                == "not-owner")
        #expect(try ledger.code(ledger.tx(Ledger.bob, .rotateDeviceKey(device: Ledger.key(31).publicKey.address,
                                                                       newKey: Ledger.key(30).publicKey))) == "unknown-device")
    }

    @Test func suspendAndResume() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        #expect(try ledger.code(ledger.tx(Ledger.bob, .suspendDevice(sensor))) == "not-owner")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .resumeDevice(sensor))) == "device-active")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .suspendDevice(sensor))) == "ok")
        #expect(try ledger.device(Ledger.sensor)?.status == .suspended)
        #expect(try ledger.code(ledger.tx(Ledger.alice, .suspendDevice(sensor))) == "device-suspended")
        #expect(try ledger.code(Ledger.reading(Ledger.sensor, seq: 1)) == "device-suspended")
        #expect(try ledger.code(Ledger.batch(Ledger.sensor, seqs: [1, 2])) == "device-suspended")
        // A suspended device cannot rotate its own key; its owner can.
        #expect(try ledger.code(ledger.tx(Ledger.sensor, .rotateDeviceKey(device: sensor, newKey: Ledger.key(40).publicKey)))
                == "device-suspended")
        #expect(try ledger.code(ledger.tx(Ledger.bob, .resumeDevice(sensor))) == "not-owner")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .resumeDevice(sensor))) == "ok")
        #expect(try ledger.code(Ledger.reading(Ledger.sensor, seq: 1)) == "ok")
    }

    @Test func revokeIsFinal() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        #expect(try ledger.code(Ledger.reading(Ledger.sensor, seq: 1)) == "ok")
        #expect(try ledger.code(ledger.tx(Ledger.bob, .revokeDevice(sensor))) == "not-owner")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .revokeDevice(sensor))) == "ok")
        #expect(try ledger.device(Ledger.sensor)?.status == .revoked)
        #expect(try ledger.code(Ledger.reading(Ledger.sensor, seq: 2)) == "device-revoked")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .resumeDevice(sensor))) == "device-revoked")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .suspendDevice(sensor))) == "device-revoked")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .revokeDevice(sensor))) == "device-revoked")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .rotateDeviceKey(device: sensor, newKey: Ledger.key(41).publicKey)))
                == "device-revoked")
        #expect(try ledger.code(ledger.tx(Ledger.sensor, .rotateDeviceKey(device: sensor, newKey: Ledger.key(41).publicKey)))
                == "device-revoked")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .transferDevice(device: sensor, newOwner: bob))) == "device-revoked")
        #expect(try ledger.code(ledger.tx(Ledger.alice, Ledger.registration(Ledger.sensor))) == "device-exists")
        #expect(try ledger.device(Ledger.sensor)?.status == .revoked)
    }

    @Test func revokeASuspendedDevice() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        #expect(try ledger.codes([ledger.tx(Ledger.alice, .suspendDevice(sensor)),
                                  ledger.tx(Ledger.alice, .revokeDevice(sensor))]) == ["ok", "ok"])
        #expect(try ledger.code(Ledger.reading(Ledger.sensor, seq: 1)) == "device-revoked")
    }

    @Test func transferOwnershipThenTheOldOwnerIsRejected() throws {
        var ledger = Ledger()
        try ledger.registerSensor()
        #expect(try ledger.code(ledger.tx(Ledger.alice, .transferDevice(device: sensor, newOwner: Ledger.carol.publicKey.address)))
                == "unknown-account")
        #expect(try ledger.code(ledger.tx(Ledger.bob, .transferDevice(device: sensor, newOwner: bob))) == "not-owner")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .transferDevice(device: sensor, newOwner: bob))) == "ok")
        #expect(try ledger.device(Ledger.sensor)?.owner == bob)
        #expect(try ledger.code(ledger.tx(Ledger.alice, .suspendDevice(sensor))) == "not-owner")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .rotateDeviceKey(device: sensor, newKey: Ledger.key(50).publicKey)))
                == "not-owner")
        #expect(try ledger.code(ledger.tx(Ledger.bob, .suspendDevice(sensor))) == "ok")
        #expect(try ledger.code(ledger.tx(Ledger.alice, .transferDevice(device: Ledger.key(51).publicKey.address, newOwner: bob)))
                == "unknown-device")
    }
}
