import Foundation
import Synchronization

/// One validator process of the demo: its folder, its API, its process.
struct DemoValidator: Sendable {
    let name: String
    let folder: String
    /// The API base URL, http://127.0.0.1:PORT.
    let api: String
    let process: ChildProcess
}

/// What the demo knows of each validator and of the chain, refreshed from the validators' APIs.
final class NetworkMonitor: Sendable {
    /// A validator as last seen.
    enum NodeState: Equatable, Sendable {
        /// Its process is not running.
        case down
        /// Its process runs but its API does not answer yet.
        case starting
        /// It answers, more than one block behind the highest validator.
        case catchingUp
        /// It answers, at most one block behind.
        case up
    }

    struct Node: Sendable {
        var state: NodeState = .starting
        var height: UInt64 = 0
        var peers: Int?
    }

    /// A moment in the run worth telling.
    struct Event: Sendable {
        let seconds: Double
        let text: String
    }

    /// The restart of a killed validator and how it caught up.
    struct Restart: Sendable {
        let node: Int
        let killedAt: Double
        var restartedAt: Double?
        /// The highest height of the others when it was restarted.
        var networkHeightAtRestart: UInt64?
        /// Its height when it was killed.
        var heightAtKill: UInt64
        /// Seconds from the restart until it was level with the others (within one block).
        var catchUpSeconds: Double?
        var caughtUpAtHeight: UInt64?
    }

    private struct State {
        var nodes: [Node]
        var events: [Event] = []
        var restart: Restart?
        /// Highest height whose block's transactions were counted, and the running total.
        var countedHeight: UInt64 = 0
        var transactions = 0
        /// (seconds, transactions counted) samples for the rate.
        var samples: [(Double, Int)] = []
    }

    /// Seconds over which transactions/s is averaged.
    static let rateWindow = 5.0
    /// Most blocks counted per refresh (the rest on the next one).
    static let maxBlocksPerRefresh: UInt64 = 64

    let validators: [DemoValidator]
    private let start: Mutex<ContinuousClock.Instant>
    private let state: Mutex<State>

    init(validators: [DemoValidator]) {
        self.validators = validators
        start = Mutex(.now)
        state = Mutex(State(nodes: validators.map { _ in Node() }))
    }

    /// Counts seconds (of events and rates) from `instant` on.
    func startClock(at instant: ContinuousClock.Instant) {
        start.withLock { $0 = instant }
        state.withLock { $0.samples = [] }
    }

    /// Seconds since the clock started.
    var elapsed: Double {
        (ContinuousClock.now - start.withLock { $0 }).inSeconds
    }

    var nodes: [Node] { state.withLock { $0.nodes } }
    var events: [Event] { state.withLock { $0.events } }
    var restart: Restart? { state.withLock { $0.restart } }
    var transactionsCounted: Int { state.withLock { $0.transactions } }

    /// Transactions per second committed over the last `rateWindow` seconds.
    var transactionsPerSecond: Double {
        state.withLock { state in
            guard let last = state.samples.last,
                  let first = state.samples.first(where: { $0.0 >= last.0 - Self.rateWindow }), last.0 > first.0
            else { return 0 }
            return Double(last.1 - first.1) / (last.0 - first.0)
        }
    }

    /// The highest height any validator reported.
    var height: UInt64 { state.withLock { $0.nodes.map(\.height).max() ?? 0 } }

    func note(_ text: String) {
        let seconds = elapsed
        state.withLock { $0.events.append(Event(seconds: seconds, text: text)) }
    }

    /// Records that validator `index` was killed.
    func killed(_ index: Int) {
        let seconds = elapsed
        state.withLock { state in
            state.restart = Restart(node: index, killedAt: seconds, heightAtKill: state.nodes[index].height)
            state.nodes[index].state = .down
        }
        note("\(validators[index].name) killed (SIGKILL) at height \(restart?.heightAtKill ?? 0)")
    }

    /// Records that validator `index` was started again.
    func restarted(_ index: Int) {
        let seconds = elapsed
        let networkHeight = state.withLock { state in
            let others = state.nodes.indices.filter { $0 != index }.map { state.nodes[$0].height }.max() ?? 0
            state.restart?.restartedAt = seconds
            state.restart?.networkHeightAtRestart = others
            state.nodes[index].state = .starting
            return others
        }
        note("\(validators[index].name) restarted; the others are at height \(networkHeight)")
    }

    /// Asks every validator for its status, then counts the transactions of new blocks.
    func refresh() async {
        let answers = await withTaskGroup(of: (Int, JSONValue?).self) { group in
            for (index, validator) in validators.enumerated() {
                group.addTask {
                    guard validator.process.isRunning else { return (index, nil) }
                    return (index, try? await NodeClient(base: validator.api).getJSON("/v1/status"))
                }
            }
            var answers: [Int: JSONValue?] = [:]
            for await (index, answer) in group { answers[index] = answer }
            return answers
        }
        let seconds = elapsed
        var caughtUp: (String, Double, UInt64)?
        let reference: Int? = state.withLock { state in
            for index in validators.indices {
                if !validators[index].process.isRunning {
                    state.nodes[index].state = .down
                } else if let status = answers[index] ?? nil {
                    state.nodes[index].height = status["height"]?.uint64 ?? state.nodes[index].height
                    if case .array(let peers)? = status["peers"] { state.nodes[index].peers = peers.count }
                    else { state.nodes[index].peers = status["peers"]?.uint64.map(Int.init) }
                } else {
                    state.nodes[index].state = .starting
                }
            }
            let top = state.nodes.map(\.height).max() ?? 0
            for index in validators.indices where answers[index] ?? nil != nil && validators[index].process.isRunning {
                state.nodes[index].state = state.nodes[index].height + 1 >= top ? .up : .catchingUp
            }
            if var restart = state.restart, let restartedAt = restart.restartedAt, restart.catchUpSeconds == nil,
               state.nodes[restart.node].state == .up {
                restart.catchUpSeconds = seconds - restartedAt
                restart.caughtUpAtHeight = state.nodes[restart.node].height
                state.restart = restart
                caughtUp = (validators[restart.node].name, seconds - restartedAt, state.nodes[restart.node].height)
            }
            return state.nodes.indices.filter { state.nodes[$0].state == .up }.max { state.nodes[$0].height < state.nodes[$1].height }
        }
        if let (name, catchUp, height) = caughtUp {
            note("\(name) caught up at height \(height), \(String(format: "%.1f", catchUp)) s after its restart")
        }
        if let reference { await countTransactions(from: validators[reference]) }
    }

    /// Adds the transactions of the blocks `validator` has above the ones counted.
    private func countTransactions(from validator: DemoValidator) async {
        let client = NodeClient(base: validator.api)
        let (counted, top) = state.withLock { ($0.countedHeight, $0.nodes.map(\.height).max() ?? 0) }
        guard top > counted else { return }
        var height = counted
        var added = 0
        for next in (counted + 1)...min(top, counted + Self.maxBlocksPerRefresh) {
            guard case .array(let transactions)? = try? await client.getJSON("/v1/blocks/\(next)")["transactions"] else { break }
            added += transactions.count
            height = next
        }
        let seconds = elapsed
        state.withLock { state in
            guard state.countedHeight == counted else { return }
            state.countedHeight = height
            state.transactions += added
            state.samples.append((seconds, state.transactions))
            state.samples.removeAll { $0.0 < seconds - Self.rateWindow * 2 }
        }
    }
}
