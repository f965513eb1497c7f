public import ArgumentParser
import FogCore
public import FogCrypto

extension SignatureAlgorithm: ExpressibleByArgument {}

/// `fogledger keygen`: creates a key file for a device, account or validator.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate a signing key and write it to a key file (mode 0600).",
        discussion: "Prints the key's ledger address, its did:key and its public COSE_Key (hex).")

    @Option(name: .long, help: "Signature algorithm: ed25519, p256 or mldsa65.")
    var alg: SignatureAlgorithm = .ed25519

    @Option(name: .long, help: "Where to write the key file.")
    var out: String

    @Flag(name: .long, help: "Overwrite an existing file.")
    var force = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReporting(output) {
            var generator = SystemRandomNumberGenerator()
            let key = PrivateKey.generate(alg, using: &generator)
            try KeyFile.write(key, to: out, overwrite: force)
            let coseKey = Hex.encode(COSEKey.encode(key.publicKey))
            let text = table([
                ("algorithm", alg.rawValue),
                ("address", key.publicKey.address.hex),
                ("did", key.publicKey.did),
                ("public key", coseKey),
                ("key file", "\(out) (mode 0600)"),
            ])
            let json = JSONValue.object([
                "algorithm": .string(alg.rawValue), "address": .string(key.publicKey.address.hex),
                "did": .string(key.publicKey.did), "publicKey": .string(coseKey), "keyFile": .string(out),
            ])
            return (text, json)
        }
    }
}
