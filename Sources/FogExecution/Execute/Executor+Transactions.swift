import FogCrypto
import FogTypes

extension Executor {
    /// Applies an account transaction: the signer's account key verifies it and its nonce is the
    /// account's, which then increments. A key rotation may instead be signed by the device itself,
    /// with the device's key and nonce. Returns the readings it commits (attested readings).
    func applyTransaction<Base>(_ signed: Signed<Transaction>, signature: inout SignatureCheck, context: BlockContext,
                                overlay: inout StateOverlay<Base>) throws -> [Reading] {
        let transaction = signed.object
        let signer = transaction.signer
        if var account = try overlay.account(signer) {
            try signature.check(with: account.publicKey)
            try checkNonce(transaction.nonce, expected: account.nonce, signer: signer)
            account = AccountRecord(publicKey: account.publicKey, nonce: account.nonce + 1, balance: account.balance)
            overlay.setAccount(signer, account)
            let body = try decodeBody(transaction)
            if case .gateway(let gatewayBody) = body {
                return try applyGateway(gatewayBody, signer: signer, context: context, overlay: &overlay)
            }
            try applyBody(body, signer: signer, context: context, overlay: &overlay)
        } else if transaction.kind == .rotateDeviceKey, var device = try overlay.device(signer) {
            try signature.check(with: device.publicKey)
            try checkNonce(transaction.nonce, expected: device.nonce, signer: signer)
            guard case let .rotateDeviceKey(target, newKey) = try decodeBody(transaction) else {
                preconditionFailure("a kind-4 body decodes as a rotation")
            }
            guard target == signer else {
                throw ExecutionError(.notOwner, "device \(signer) may rotate only its own key, not \(target)")
            }
            guard device.status == .active else {
                throw device.status == .revoked
                    ? ExecutionError(.deviceRevoked, "device \(signer) is revoked")
                    : ExecutionError(.deviceSuspended, "a suspended device's key is rotated by its owner")
            }
            device.nonce += 1
            device.publicKey = newKey
            overlay.setDevice(signer, device)
        } else {
            throw ExecutionError(.unknownSigner, "\(signer) is not an account")
        }
        return []
    }

    private func checkNonce(_ nonce: UInt64, expected: UInt64, signer: Address) throws(ExecutionError) {
        guard nonce == expected, expected < UInt64.max else {
            throw ExecutionError(.badNonce, "\(signer): nonce \(nonce), expected \(expected)")
        }
    }

    private func decodeBody(_ transaction: Transaction) throws -> TransactionBody {
        guard transaction.kind.isKnown else {
            throw ExecutionError(.unknownKind, "transaction kind \(transaction.kind.rawValue) is not known")
        }
        return try TransactionBody(kind: transaction.kind, body: transaction.body)
    }

    private func applyBody<Base>(_ body: TransactionBody, signer: Address, context: BlockContext,
                                 overlay: inout StateOverlay<Base>) throws {
        switch body {
        case let .transfer(to, amount):
            try transfer(from: signer, to: to, amount: amount, overlay: &overlay)
        case let .createAccount(publicKey):
            let address = publicKey.address
            guard try overlay.account(address) == nil else {
                throw ExecutionError(.accountExists, "account \(address) exists")
            }
            overlay.setAccount(address, AccountRecord(publicKey: publicKey, nonce: 0, balance: 0))
        case let .registerDevice(registration):
            let address = registration.device
            guard try overlay.device(address) == nil else {
                throw ExecutionError(.deviceExists, "device \(address) is registered")
            }
            overlay.setDevice(address, try DeviceRecord(
                publicKey: registration.publicKey, owner: signer, deviceType: registration.deviceType,
                metadata: registration.metadata, status: .active, lastSequence: 0,
                registeredAt: context.height, nonce: 0))
        case let .rotateDeviceKey(address, newKey):
            var device = try ownedDevice(address, signer: signer, allowDevice: true, overlay: overlay)
            device.publicKey = newKey
            overlay.setDevice(address, device)
        case let .suspendDevice(address):
            var device = try ownedDevice(address, signer: signer, allowDevice: false, overlay: overlay)
            guard device.status == .active else {
                throw ExecutionError(.deviceSuspended, "device \(address) is already suspended")
            }
            device.status = .suspended
            overlay.setDevice(address, device)
        case let .resumeDevice(address):
            var device = try ownedDevice(address, signer: signer, allowDevice: false, overlay: overlay)
            guard device.status == .suspended else {
                throw ExecutionError(.deviceActive, "device \(address) is active")
            }
            device.status = .active
            overlay.setDevice(address, device)
        case let .revokeDevice(address):
            var device = try ownedDevice(address, signer: signer, allowDevice: false, overlay: overlay)
            device.status = .revoked
            overlay.setDevice(address, device)
        case let .transferDevice(address, newOwner):
            var device = try ownedDevice(address, signer: signer, allowDevice: false, overlay: overlay)
            guard try overlay.account(newOwner) != nil else {
                throw ExecutionError(.unknownAccount, "new owner \(newOwner) is not an account")
            }
            device.owner = newOwner
            overlay.setDevice(address, device)
        case let .validator(body):
            try applyValidator(body, signer: signer, context: context, overlay: &overlay)
        case .gateway:
            preconditionFailure("applyTransaction applies gateway-mode bodies")
        }
    }

    /// Moves `amount` from `from` to `to`. A transfer to oneself is allowed: it checks the balance
    /// and changes nothing but the nonce.
    private func transfer<Base>(from: Address, to: Address, amount: UInt64,
                                overlay: inout StateOverlay<Base>) throws {
        guard let sender = try overlay.account(from) else {
            preconditionFailure("the signer's account was just written")
        }
        guard sender.balance >= amount else {
            throw ExecutionError(.insufficientBalance, "\(from) holds \(sender.balance), needs \(amount)")
        }
        if to == from { return }
        guard let recipient = try overlay.account(to) else {
            throw ExecutionError(.unknownAccount, "recipient \(to) is not an account")
        }
        let (credited, overflow) = recipient.balance.addingReportingOverflow(amount)
        guard !overflow else {
            throw ExecutionError(.balanceOverflow, "\(to)'s balance would exceed 2^64-1")
        }
        overlay.setAccount(from, AccountRecord(publicKey: sender.publicKey, nonce: sender.nonce,
                                               balance: sender.balance - amount))
        overlay.setAccount(to, AccountRecord(publicKey: recipient.publicKey, nonce: recipient.nonce, balance: credited))
    }

    /// The device at `address`, which `signer` may change: its owner (or, with `allowDevice`, the
    /// device itself), and not revoked.
    private func ownedDevice<Base>(_ address: Address, signer: Address, allowDevice: Bool,
                                   overlay: StateOverlay<Base>) throws -> DeviceRecord {
        guard let device = try overlay.device(address) else {
            throw ExecutionError(.unknownDevice, "device \(address) is not registered")
        }
        guard device.owner == signer || (allowDevice && address == signer) else {
            throw ExecutionError(.notOwner, "\(signer) does not own device \(address)")
        }
        guard device.status != .revoked else {
            throw ExecutionError(.deviceRevoked, "device \(address) is revoked")
        }
        return device
    }
}
