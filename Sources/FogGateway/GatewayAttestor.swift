import FogCrypto
import FogNode
import FogTypes

/// The gateway-mode pipeline (spec/gateway.md §5): checks each HMAC-tagged reading against its
/// device's key and the committed state, gathers the good ones in arrival order, and attests them
/// in `attest-readings` transactions signed by the gateway account, one batch at a time with
/// consecutive nonces.
actor GatewayAttestor {
    let configuration: GatewayModeConfiguration
    let chainID: ChainID
    /// The gateway account's address: what attested readings and their devices' records name.
    nonisolated let gateway: Address
    private var pending: [(reading: Reading, ticket: AttestationTicket)] = []
    /// The highest sequence number taken per device since the start (above the committed one).
    private var lastSequence: [Address: UInt64] = [:]
    /// The nonce of the next attestation; read from the committed state when unknown.
    private var nextNonce: UInt64?
    private var closed = false

    init(configuration: GatewayModeConfiguration, chainID: ChainID) {
        self.configuration = configuration
        self.chainID = chainID
        gateway = configuration.accountKey.publicKey.address
    }

    /// Checks one message of `device`'s gateway-mode topic and, when it is good, queues its reading
    /// for the next attestation. Returns the reading's sequence number and the ticket to wait on.
    /// A refusal names the sequence number the message claims, when it has one, so that the device
    /// can match the answer.
    func take(_ message: [UInt8], device: Address) -> Result<(sequence: UInt64, ticket: AttestationTicket), Refusal> {
        do {
            return .success(try check(message, device: device))
        } catch {
            return .failure(Refusal(rejection: error, sequence: try? HMACReading.claimed(message).sequence))
        }
    }

    /// Why a gateway-mode message was refused, and the sequence number it claims.
    struct Refusal: Error {
        let rejection: GatewayRejection
        let sequence: UInt64?
    }

    private func check(_ message: [UInt8], device: Address) throws(GatewayRejection) -> (sequence: UInt64, ticket: AttestationTicket) {
        guard !closed else { throw Self.stopping }
        guard let key = configuration.keys.key(for: device) else {
            throw GatewayRejection(tx: nil, code: "unknown-device", message: "this gateway holds no HMAC key for device \(device.hex)")
        }
        let opened: HMACReading
        do {
            opened = try HMACReading.open(message, key: key, chain: chainID)
        } catch {
            throw GatewayRejection(tx: nil, code: error.code.description, message: error.detail)
        }
        let reading = opened.reading
        guard reading.device == device else {
            throw GatewayRejection(tx: nil, code: "topic-mismatch",
                                   message: "the reading is of device \(reading.device.hex), the topic names \(device.hex)")
        }
        let record: DeviceRecord?
        do {
            record = try configuration.ledger.committedDevice(device)
        } catch {
            throw GatewayRejection(tx: nil, code: "store-unavailable", message: "the node could not read its state")
        }
        guard let record else {
            throw GatewayRejection(tx: nil, code: "unknown-device", message: "device \(device.hex) is not registered")
        }
        guard record.attestingGateway == gateway else {
            throw GatewayRejection(tx: nil, code: "not-device-gateway",
                                   message: "device \(device.hex) is not registered with gateway \(gateway.hex)")
        }
        switch record.status {
        case .active: break
        case .suspended: throw GatewayRejection(tx: nil, code: "device-suspended", message: "device \(device.hex) is suspended")
        case .revoked: throw GatewayRejection(tx: nil, code: "device-revoked", message: "device \(device.hex) is revoked")
        }
        let last = max(lastSequence[device] ?? 0, record.lastSequence)
        guard reading.sequence > last else {
            throw staleRefusal(reading, last: last, committedLast: record.lastSequence)
        }
        lastSequence[device] = reading.sequence
        let attested: Reading
        do {
            attested = try Reading(chainID: reading.chainID, device: device, sequence: reading.sequence,
                                   timeMillis: reading.timeMillis, content: reading.content, attestingGateway: gateway)
        } catch {
            throw GatewayRejection(tx: nil, code: error.code.description, message: error.detail)
        }
        let ticket = AttestationTicket()
        pending.append((attested, ticket))
        return (reading.sequence, ticket)
    }

    /// The refusal of `reading`, whose sequence number is not above `last`: `already-committed`
    /// when the ledger holds this very reading as attested by this gateway (a resend after a lost
    /// ack; its earlier batch committed it), else `stale-sequence` (a replay of another reading with
    /// that number, or one still waiting in a batch). The store is read only here, on refusal.
    private func staleRefusal(_ reading: Reading, last: UInt64, committedLast: UInt64) -> GatewayRejection {
        let stale = GatewayRejection(tx: nil, code: "stale-sequence", message: "seq \(reading.sequence) is not above \(last)")
        guard reading.sequence <= committedLast else { return stale }
        let stored: (reading: Reading, height: UInt64)?
        do {
            stored = try configuration.ledger.store.reading(device: reading.device, sequence: reading.sequence)
                .map { ($0.reading, $0.height) }
        } catch {
            return GatewayRejection(tx: nil, code: "store-unavailable", message: "the node could not read its readings")
        }
        guard let stored, stored.reading.attestingGateway == gateway, stored.reading.chainID == reading.chainID,
              stored.reading.timeMillis == reading.timeMillis, stored.reading.content == reading.content
        else { return stale }
        return GatewayRejection(tx: nil, code: SubmissionError.alreadyCommittedCode,
                                message: "seq \(reading.sequence) is already committed at height \(stored.height)")
    }

    /// Refuses what is queued and everything after: the gateway stops.
    func close() {
        closed = true
        for entry in pending { entry.ticket.resolve(.failure(Self.stopping)) }
        pending = []
    }

    private static let stopping = GatewayRejection(tx: nil, code: "unavailable", message: "the gateway is stopping; send again")

    /// Takes the oldest queued readings, at most ``GatewayModeConfiguration/maxBatchReadings``, and
    /// signs their attestation with the next nonce. `nil` when none are queued. When the attestation
    /// cannot be built (the store cannot be read, or the readings exceed the transaction's size
    /// limit), its readings are refused with the reason and the error is thrown.
    func nextAttestation() throws -> (envelope: [UInt8], readings: [(reading: Reading, ticket: AttestationTicket)])? {
        guard !pending.isEmpty else { return nil }
        let count = min(pending.count, max(1, min(configuration.maxBatchReadings, ObjectLimits.maxBatchReadings)))
        let batch = Array(pending.prefix(count))
        pending.removeFirst(count)
        do {
            let nonce: UInt64
            if let nextNonce { nonce = nextNonce } else { nonce = try configuration.ledger.committedAccount(gateway)?.nonce ?? 0 }
            let transaction = try TransactionBody.gateway(.attestReadings(batch.map(\.reading)))
                .transaction(chainID: chainID, signer: gateway, nonce: nonce)
            let envelope = try Signed.sign(transaction, with: configuration.accountKey).bytes
            nextNonce = nonce
            return (envelope, batch)
        } catch {
            let code = (error as? ObjectError)?.code.description ?? "store-unavailable"
            let refusal = GatewayRejection(tx: nil, code: code, message: "the gateway could not build the attestation: \(error)")
            for entry in batch { entry.ticket.resolve(.failure(refusal)) }
            throw error
        }
    }

    /// The last attestation was admitted: the next one takes the following nonce.
    func admitted() {
        nextNonce = nextNonce.map { $0 + 1 }
    }

    /// The last attestation was refused with `code`: its nonce stays the next one, unless the node
    /// said it was taken (`bad-nonce`, `already-committed`), then it is read from the committed
    /// state again.
    func refused(code: String) {
        if code == "bad-nonce" || code == SubmissionError.alreadyCommittedCode { nextNonce = nil }
    }
}
