import ArgumentParser
import FogLight
import Foundation

/// `fogledger verify`: checks a proof bundle offline, trusting only a genesis file.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a reading or state proof bundle offline against a chain's genesis file.",
        discussion: """
            FILE is a proof bundle (spec/light-client.md): binary CBOR or hex text, '-' for standard input; \
            its type tag says whether it is a reading proof (26) or a state proof (27). Nothing in it is \
            trusted: the validators are traced from the genesis. A rejected bundle exits with status 1 and \
            the verifier's error code (malformed, limit-exceeded, wrong-chain, genesis-mismatch, \
            untrusted-validator-set, commit-invalid, proof-invalid).
            """)

    @Argument(help: "The proof bundle (binary or hex); '-' for standard input.")
    var file: String

    @Option(name: .long, help: "The chain's genesis file (binary CBOR or hex); the only thing trusted.")
    var genesis: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReporting(output) {
            guard !(file == "-" && genesis == "-") else {
                throw CLIError("invalid-argument", "only one of FILE and --genesis can be standard input")
            }
            let genesisFile = try GenesisFile.read(genesis)
            let bytes: [UInt8]
            do {
                bytes = try CBORFileInput.read(file, what: "proof bundle", limitCode: LightError.Code.limitExceeded.description,
                                               emptyCode: LightError.Code.malformed.description)
            } catch let error as CLIError where error.code != "io-error" {
                throw CLIError(error.code, "proof rejected (\(error.code)): \(error.message)")
            }
            let verified = Result(catching: { () throws(LightError) -> ProvenFact in
                try ProofVerification.verify(bytes, genesis: genesisFile.genesis)
            })
            switch verified {
            case .success(let fact): return ProofVerification.render(fact, genesis: genesisFile)
            case .failure(let error): throw Self.rejection(error)
            }
        }
    }

    /// A rejected bundle as a CLI error: the verifier's code, also named in the message so that the
    /// text output (stderr) shows it too.
    static func rejection(_ error: LightError) -> CLIError {
        let code = error.code.description
        let detail = error.detail.hasPrefix("\(code): ") ? String(error.detail.dropFirst(code.count + 2)) : error.detail
        return CLIError(code, "proof rejected (\(code)): \(detail)")
    }
}
