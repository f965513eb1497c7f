import FogStore
import FogStoreSQLite
import Foundation
import Testing

/// The implementations every conformance test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqlite

    var testDescription: String { rawValue }

    /// A fresh store of this kind holding `StoreChain.genesis`.
    func make(retainedVersions: UInt64 = StoreLimits.defaultRetainedVersions) throws -> TestStore {
        switch self {
        case .memory:
            return TestStore(store: try InMemoryLedgerStore(genesis: StoreChain.genesis, retainedVersions: retainedVersions),
                             directory: nil)
        case .sqlite:
            let directory = try TemporaryDirectory()
            let store = try SQLiteLedgerStore(path: directory.path("ledger.sqlite"), genesis: StoreChain.genesis,
                                              retainedVersions: retainedVersions)
            return TestStore(store: store, directory: directory)
        }
    }
}

/// A store and the directory its files live in (removed with it).
struct TestStore {
    let store: any LedgerStore
    let directory: TemporaryDirectory?

    var chain: StoreChain { StoreChain(store: store) }
}

/// A fresh temporary directory, removed when the last reference goes.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("fogstore-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
