public import ArgumentParser
import Foundation

/// `fogledger`: the command-line tool of FogLedger.
public struct RootCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "fogledger",
        abstract: "FogLedger: a permissioned blockchain for trustworthy IoT data.",
        subcommands: [
            DemoCommand.self, KeygenCommand.self, ReadingCommand.self, NodeCommand.self, GenesisCommand.self,
            VerifyCommand.self, DeviceCommand.self, QueryCommand.self,
            SimulateCommand.self,
            ValidatorCommand.self,
            BenchCommand.self,
            InitCommand.self, NetworkCommand.self,
        ])

    public init() {}

    /// Runs the command line; like `ParsableCommand.main()`, except that with `--json` a usage error
    /// (an unknown option, a missing or unreadable value) is reported as
    /// `{"error": {"code": "invalid-argument", …}}` on standard output with exit status 1, as every
    /// other error is, so that a script reading the JSON always gets some.
    public static func main() async {
        await main(Array(CommandLine.arguments.dropFirst()))
    }

    /// Runs `arguments` (without the program name).
    public static func main(_ arguments: [String]) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(withError: nil)
        } catch {
            if wantsJSON(arguments), !(error is ExitCode), exitCode(for: error) != .success {
                let report = JSONValue.object([
                    "error": .object(["code": .string("invalid-argument"), "message": .string(message(for: error))]),
                ])
                print(report.rendered)
                exit(withError: ExitCode(1))
            }
            exit(withError: error)
        }
    }

    /// Whether `--json` is among the options (before any `--` terminator).
    private static func wantsJSON(_ arguments: [String]) -> Bool {
        arguments.prefix { $0 != "--" }.contains("--json")
    }
}
