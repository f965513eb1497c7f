import FogCLICommands

/// The `fogledger` executable: the commands live in FogCLICommands.
@main
struct FogLedgerMain {
    static func main() async {
        await RootCommand.main()
    }
}
