public import ArgumentParser

/// `fogledger`: the command-line tool of FogLedger.
public struct RootCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fogledger",
        abstract: "FogLedger: a permissioned blockchain for trustworthy IoT data.",
        subcommands: [DemoCommand.self, KeygenCommand.self, ReadingCommand.self])

    public init() {}
}
