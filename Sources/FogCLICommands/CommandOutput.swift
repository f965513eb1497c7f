import ArgumentParser
import Foundation

/// The `--json` flag every command takes.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON object instead of text (errors too, as {\"error\": {\"code\", \"message\"}}).")
    var json = false
}

/// Runs a command body and prints its result as text or JSON; a `CLIError` becomes a clear message and
/// exit status 1.
func runReporting(_ output: OutputOptions, _ body: () throws -> (text: String, json: JSONValue)) throws {
    do {
        let result = try body()
        print(output.json ? result.json.rendered : result.text)
    } catch let error as CLIError {
        report(error, json: output.json)
        throw ExitCode(1)
    }
}

/// Reports a command's failure: as `{"error": {"code", "message"}}` on standard output with `json`,
/// else as `error: message` on standard error (dropped, not trapped on, when nobody reads it any
/// more, as ``sayToSupervisor(_:)`` does).
func report(_ error: CLIError, json: Bool) {
    if json {
        print(JSONValue.object(["error": .object(["code": .string(error.code), "message": .string(error.message)])]).rendered)
    } else {
        try? FileHandle.standardError.write(contentsOf: Data("error: \(error.message)\n".utf8))
    }
}

/// Lines of `label  value` with the labels padded to one width.
func table(_ rows: [(String, String)]) -> String {
    let width = rows.map(\.0.count).max() ?? 0
    return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
        .joined(separator: "\n")
}
