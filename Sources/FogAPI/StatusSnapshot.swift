import FogCrypto
import FogStore
import FogTypes
import Synchronization

/// What `/v1/status` says that changes only with the chain's height, kept from one answer to the
/// next: monitoring clients poll the route every few milliseconds, and recomputing the genesis hash
/// (an encoding of the whole genesis), the latest header's id and the state root on each poll cost
/// the node as much as the rest of its API.
final class StatusSnapshot: Sendable {
    /// `{"chainID":…,"genesisHash":…` — the opening of every answer.
    let opening: String
    /// `"validators":[…]}` — the genesis set, the end of every answer.
    let closing: String
    private let latest = Mutex<Latest?>(nil)

    /// The fields of one height: its number, and its block's id, time and state root.
    struct Latest: Sendable {
        let height: UInt64
        /// `"height":H[,"latestBlockID":…,"latestBlockTime":…]`.
        let heightFields: String
        let stateRoot: String
    }

    /// A snapshot for the chain that starts with `genesis`.
    init(genesis: Genesis) {
        opening = "{\"chainID\":\"\(genesis.chainID.value)\",\"genesisHash\":\"\(genesis.hash.hex)\""
        closing = "\"validators\":[" + genesis.validators.validators.map { "\"\($0.address.hex)\"" }.joined(separator: ",") + "]}"
    }

    /// The fields of the store's latest height, read from the store only when the height moved.
    func latest(in store: any LedgerStore) throws -> Latest {
        let height = try store.latestHeight()
        if let cached = latest.withLock({ $0 }), cached.height == height { return cached }
        var fields = "\"height\":\(height)"
        let stateRoot: Hash256
        if height > 0, let header = try store.header(at: height) {
            fields += ",\"latestBlockID\":\"\(header.blockID.hex)\",\"latestBlockTime\":\(header.timeMillis)"
            stateRoot = header.stateRoot
        } else {
            stateRoot = try store.latestStateRoot()
        }
        let fresh = Latest(height: height, heightFields: fields, stateRoot: stateRoot.hex)
        latest.withLock { current in
            if (current?.height ?? 0) <= height { current = fresh }
        }
        return fresh
    }

    /// The `/v1/status` object, keys sorted (what `JSONBody.response` would render: a chain id and
    /// hex need no escaping).
    func json(_ latest: Latest, pending: Int, peers: Int?) -> String {
        var json = opening + "," + latest.heightFields
        if let peers { json += ",\"peers\":\(peers)" }
        json += ",\"pending\":\(pending),\"stateRoot\":\"\(latest.stateRoot)\"," + closing
        return json
    }
}
