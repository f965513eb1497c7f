import Foundation

/// What the demo prints while it runs: on a terminal one block of lines redrawn in place, otherwise
/// plain lines (a status line every few seconds and each event once); nothing with `--json`.
final class DemoDisplay: @unchecked Sendable {
    // `@unchecked Sendable`: only the demo's single progress loop calls `show` and `message`.

    let interactive: Bool
    let silent: Bool
    private var drawnLines = 0
    private var eventsPrinted = 0
    private var lastPlain = -Double.infinity

    /// Seconds between status lines when not on a terminal.
    static let plainInterval = 5.0
    /// Events kept in the block on a terminal.
    static let shownEvents = 5

    init(interactive: Bool, silent: Bool) {
        self.interactive = interactive
        self.silent = silent
    }

    /// A line above the live block (it stays on screen).
    func message(_ text: String) {
        guard !silent else { return }
        clearBlock()
        print(text)
        fflush(nil)
    }

    /// Shows the monitor's view, `phase` saying what the demo is doing.
    func show(_ monitor: NetworkMonitor, stats: SimulationStats.Snapshot, phase: String, transport: String) {
        guard !silent else { return }
        let nodes = monitor.nodes
        let latency = stats.p50Millis.map { p50 in
            "finality p50 \(Self.millis(p50)) p99 \(Self.millis(stats.p99Millis ?? p50))"
        } ?? "finality -"
        let headline = "\(Self.number(monitor.elapsed, 1)) s  height \(monitor.height)  "
            + "\(Self.number(monitor.transactionsPerSecond, 1)) tx/s  readings committed \(stats.committed)"
            + " (sent \(stats.recorded))  \(latency)"
        var lines = ["\(phase) — devices over \(transport)", headline]
        for (index, node) in nodes.enumerated() {
            let validator = monitor.validators[index]
            let peers = node.peers.map { "  peers \($0)" } ?? ""
            lines.append("  \(validator.name.padding(toLength: 6, withPad: " ", startingAt: 0)) "
                         + "\(Self.label(node.state).padding(toLength: 11, withPad: " ", startingAt: 0)) "
                         + "height \(node.height)\(peers)  \(validator.api)")
        }
        let events = monitor.events
        if interactive {
            for event in events.suffix(Self.shownEvents) {
                lines.append("  \(Self.number(event.seconds, 1)) s  \(event.text)")
            }
            clearBlock()
            for line in lines { print("\u{1B}[2K" + line) }
            drawnLines = lines.count
        } else {
            for event in events.dropFirst(eventsPrinted) {
                print("[\(Self.number(event.seconds, 1)) s] \(event.text)")
            }
            eventsPrinted = events.count
            if monitor.elapsed - lastPlain >= Self.plainInterval {
                lastPlain = monitor.elapsed
                let states = nodes.enumerated().map { "\(monitor.validators[$0].name) \(Self.label($1.state)) \($1.height)" }
                print("[\(headline)]  " + states.joined(separator: ", "))
            }
        }
        fflush(nil)
    }

    /// Ends the live block: what follows prints below it.
    func finish() {
        drawnLines = 0
    }

    private func clearBlock() {
        guard interactive, drawnLines > 0 else { return }
        print("\u{1B}[\(drawnLines)A\u{1B}[J", terminator: "")
        drawnLines = 0
    }

    static func label(_ state: NetworkMonitor.NodeState) -> String {
        switch state {
        case .down: "down"
        case .starting: "starting"
        case .catchingUp: "catching up"
        case .up: "up"
        }
    }

    static func number(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    static func millis(_ value: Double) -> String {
        "\(Int(value.rounded())) ms"
    }
}
