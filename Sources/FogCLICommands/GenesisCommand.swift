import ArgumentParser

/// `fogledger genesis`: genesis files (spec/light-client.md, "Genesis file").
struct GenesisCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genesis",
        abstract: "Inspect a chain's genesis file.",
        subcommands: [GenesisShowCommand.self])
}

/// `fogledger genesis show`.
struct GenesisShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a genesis file: chain, time, consensus, genesis hash, validators and accounts.",
        discussion: "The file is the canonical CBOR encoding of the genesis, binary or as hex text; '-' for standard input.")

    @Argument(help: "The genesis file (binary CBOR or hex); '-' for standard input.")
    var file: String

    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReporting(output) {
            Render.genesis(try GenesisFile.read(file))
        }
    }
}
