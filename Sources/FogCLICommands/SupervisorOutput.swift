import Foundation

/// Writes a line to standard output at once (unbuffered: a supervisor reads it live). When the
/// supervisor has gone away (a closed pipe) the line is lost and the node goes on, and stops,
/// without it: `FileHandle.write(_:)` would trap on the broken pipe instead, and a node whose bench
/// or shell was killed then hung in the crash handler after SIGTERM.
func sayToSupervisor(_ text: String) {
    try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
}
