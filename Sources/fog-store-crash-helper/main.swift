// fog-store-crash-helper DB-PATH [MAX-BLOCKS]
//
// Opens (or creates) a FogStoreSQLite store of the test chain at DB-PATH and commits blocks in a
// loop — device registrations first, then blocks of signed readings and a transfer — printing
// "<height> <state root hex>" to stdout, flushed, after each commit returns. The store tests kill it
// with SIGKILL at a random moment and check that every reported block survived. It continues an
// existing store's chain, so one database can be killed and resumed many times.
import FogStoreSQLite
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 2 || arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: fog-store-crash-helper DB-PATH [MAX-BLOCKS]\n".utf8))
    exit(2)
}
let maxBlocks = arguments.count == 3 ? UInt64(arguments[2]) ?? UInt64.max : UInt64.max

do {
    let store = try SQLiteLedgerStore(path: arguments[1], genesis: CrashChain.genesis, retainedVersions: 8)
    let chain = CrashChain(store: store)
    var committed: UInt64 = 0
    while committed < maxBlocks {
        let height = try chain.commitNextBlock()
        let line = "\(height) \(try store.latestStateRoot().hex)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        committed += 1
    }
} catch {
    FileHandle.standardError.write(Data("fog-store-crash-helper: \(error)\n".utf8))
    exit(1)
}
