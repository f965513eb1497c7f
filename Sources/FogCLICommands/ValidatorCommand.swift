import ArgumentParser
import FogCore
import FogCrypto
import FogTypes
import Foundation

/// `fogledger validator`: PoA governance and DPoS staking transactions, over a node's HTTP API.
struct ValidatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validator",
        abstract: "Propose and approve validator changes (PoA); bond, delegate and undelegate stake (DPoS).",
        discussion: """
            Transactions are signed by --key FILE, or by the operator.key of a dev node's --data DIR \
            (or FOGLEDGER_DATA). A validator's operator account signs proposals and approvals; a dev \
            node's validator operates itself (its account must exist: create it with its public key). \
            Each command waits for the commit (--no-wait to skip) and prints the receipt code and height.
            """,
        subcommands: [ValidatorProposeCommand.self, ValidatorApproveCommand.self, ValidatorBondCommand.self,
                      ValidatorDelegateCommand.self, ValidatorUndelegateCommand.self])

    /// Signs and submits `body` as the command's options say.
    static func submit(_ body: ValidatorTransaction, signer: SignerOptions, wait: WaitOptions,
                       node: NodeOptions) async throws -> (text: String, json: JSONValue) {
        let (key, path) = try signer.signingKey()
        return try await submitTransaction(.validator(body), key: key, keyPath: path, nonce: signer.nonce,
                                           client: try node.client(), wait: wait)
    }
}

/// `fogledger validator propose`.
struct ValidatorProposeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose", abstract: "Propose adding, re-weighting (--power N) or removing (--power 0) a validator.")

    @Option(name: .long, help: "The validator's consensus key: a key file, or COSE_Key hex.")
    var validatorKey: String
    @Option(name: .long, help: "The new voting power; 0 removes the validator.")
    var power: UInt64
    @Option(name: .long, help: "The validator's operator account (default: the consensus key's own address).")
    var operatorAccount: String?
    @Option(name: .long, help: "The validator the signer acts for (default: the signer's own address).")
    var proposer: String?
    @OptionGroup var signer: SignerOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            let key = try DeviceCommand.publicKey(validatorKey, "--validator-key")
            let operatorAddress = try operatorAccount.map { text throws(CLIError) in try DeviceCommand.address(text, "--operator-account") }
            let change = ValidatorChange(publicKey: key, power: power, operatorAccount: operatorAddress ?? key.address)
            let acting = try proposer.map { text throws(CLIError) in try DeviceCommand.address(text, "--proposer") }
                ?? (try signer.signingKey()).key.publicKey.address
            let body = ValidatorTransaction.propose(change, proposer: acting)
            var (text, json) = try await ValidatorCommand.submit(body, signer: signer, wait: wait, node: node)
            // The id names the proposal for approvals; it depends on the block height, which the receipt gives.
            if case .object(var members) = json, case .uint(let height)? = members["height"] {
                let id = body.proposalID(height: UInt64(height)).hex
                members["proposal"] = .string(id)
                json = .object(members)
                text += "\n" + table([("proposal", id)])
            }
            return (text, json)
        }
    }
}

/// `fogledger validator approve`.
struct ValidatorApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve an open validator proposal.")

    @Option(name: .long, help: "The proposal id (64 hex digits), as `propose` printed it.")
    var proposal: String
    @Option(name: .long, help: "The validator the signer acts for (default: the signer's own address).")
    var validator: String?
    @OptionGroup var signer: SignerOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            guard let bytes = Hex.decode(proposal.lowercased()), let id = Hash256(bytes: bytes) else {
                throw CLIError("invalid-argument", "--proposal must be 32 bytes in hex (64 characters)")
            }
            let acting = try validator.map { text throws(CLIError) in try DeviceCommand.address(text, "--validator") }
                ?? (try signer.signingKey()).key.publicKey.address
            return try await ValidatorCommand.submit(.approve(proposal: id, validator: acting), signer: signer, wait: wait,
                                                     node: node)
        }
    }
}

/// `fogledger validator bond`.
struct ValidatorBondCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bond", abstract: "Become a DPoS candidate with a consensus key and a self-bond from the signer.")

    @Option(name: .long, help: "The candidate's consensus key: a key file, or COSE_Key hex.")
    var validatorKey: String
    @Option(name: .long, help: "The self-bond, in native tokens.")
    var amount: UInt64
    @OptionGroup var signer: SignerOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            let key = try DeviceCommand.publicKey(validatorKey, "--validator-key")
            return try await ValidatorCommand.submit(.bond(publicKey: key, amount: amount), signer: signer, wait: wait, node: node)
        }
    }
}

/// `fogledger validator delegate`.
struct ValidatorDelegateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delegate", abstract: "Stake tokens with a DPoS validator.")

    @Option(name: .long, help: "The validator's address.")
    var validator: String
    @Option(name: .long, help: "The amount, in native tokens.")
    var amount: UInt64
    @OptionGroup var signer: SignerOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            let address = try DeviceCommand.address(validator, "--validator")
            return try await ValidatorCommand.submit(.delegate(validator: address, amount: amount), signer: signer, wait: wait,
                                                     node: node)
        }
    }
}

/// `fogledger validator undelegate`.
struct ValidatorUndelegateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undelegate", abstract: "Withdraw stake from a DPoS validator; it returns after the unbonding period.")

    @Option(name: .long, help: "The validator's address.")
    var validator: String
    @Option(name: .long, help: "The amount, in native tokens.")
    var amount: UInt64
    @OptionGroup var signer: SignerOptions
    @OptionGroup var wait: WaitOptions
    @OptionGroup var node: NodeOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runReportingAsync(output) {
            let address = try DeviceCommand.address(validator, "--validator")
            return try await ValidatorCommand.submit(.undelegate(validator: address, amount: amount), signer: signer,
                                                     wait: wait, node: node)
        }
    }
}
