import FogTestKit
import FogTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Four `fogledger node --home` validators, each in its own Linux network namespace with its own IP
/// address, joined by veth pairs to a bridge in a hub namespace, under an impaired network: netem
/// 20 ms delay and 1 % loss where the kernel has netem, else 1 % loss with iptables' statistic match
/// and 20 ms delay through a netfilter queue (`NFQueueDelay`). A ping between two validators must
/// take the two delays (≈ 40 ms). The chain must stay live — heights advance, a simulated fleet's
/// readings commit — and every validator must hold the same blocks. Needs root; skipped where
/// namespaces are not permitted. Every process it started is stopped and every namespace (with its
/// veths, bridge and rules) deleted at the end, failed or not.
@Suite(.heavy, .serialized) struct NetnsNetworkMultiProcessTests {
    @Test(.timeLimit(.minutes(4)),
          .enabled("needs root and Linux network namespaces (ip netns add); see the reason printed above", { NetnsLab.isPermitted() }))
    func fourValidatorsInNamespacesStayLiveUnderDelayAndLoss() async throws {
        let binary = try #require(FogledgerBinary.url, Comment(rawValue: FogledgerBinary.missingReason))
        let lab = try NetnsLab(nodes: 4)
        defer { lab.teardown() }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("fogledger-netns-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let initialised = try await Subprocess.run(binary, ["init", "--validators", "4", "--out", home, "--hosts",
                                                      lab.addresses.joined(separator: ","), "--commit-delay-ms", "100"])
        try #require(initialised.status == 0, "\(initialised.out) \(initialised.err)")
        let impairments = try lab.impair(logs: home)
        print("netns network: \(lab.addresses.joined(separator: ", ")) on a bridge; impairments:\n  "
              + impairments.joined(separator: "\n  "))
        let rtt = try lab.pingRoundTrip(from: 0, to: 1)
        print("netns network: ping \(lab.addresses[0]) → \(lab.addresses[1]): RTT min/avg/max "
              + "\(rtt.min)/\(rtt.avg)/\(rtt.max) ms, \(rtt.received) of \(rtt.sent) answered")
        // 20 ms on each way: a faster round trip means the delay is not in effect.
        #expect(rtt.min >= 35, "ping RTT \(rtt.min) ms: the 20 ms delay is not applied")
        for index in 0..<4 { try lab.startNode(index, binary: binary, home: "\(home)/node\(index)") }
        let apis = lab.addresses.enumerated().map { "http://\($1):\(8_600 + $0)" }

        try await Self.waitHeights(apis, atLeast: 3, within: .seconds(90))
        // A fleet registered through node0 sends to node2; its readings commit under the impairments.
        let simulate = try await Subprocess.run(
            binary, ["simulate", "--devices", "4", "--rate", "8", "--duration", "8", "--node", apis[2],
                     "--key", "\(home)/operator.key", "--drain-timeout", "60", "--json"], timeout: 150)
        #expect(simulate.status == 0, "\(simulate.out) \(simulate.err)")
        let summary = simulate.out.split(separator: "\n").last
            .flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
        #expect((summary["committed"] as? Int ?? 0) > 0, "\(simulate.out)")
        #expect(summary["rejected"] as? Int == 0, "\(simulate.out)")
        let reached = try await Self.height(apis[0])
        try await Self.waitHeights(apis, atLeast: reached + 3, within: .seconds(60))

        // Every validator holds the same block at every height they all have.
        var common = UInt64.max
        for api in apis { common = min(common, try await Self.height(api)) }
        for height in 1...common {
            var ids: Set<String> = []
            for api in apis { ids.insert(try await Self.json("\(api)/v1/blocks/\(height)")["id"] as? String ?? "?") }
            #expect(ids.count == 1 && !ids.contains("?"), "height \(height): \(ids)")
        }
        if let (dropped, passed) = lab.lossCounts() {
            print("netns network: iptables dropped \(dropped) of \(dropped + passed) packets the nodes received")
            // Over a few thousand packets a 1 % rule that drops nothing is not working.
            if dropped + passed >= 3_000 { #expect(dropped > 0, "the loss rule dropped no packet") }
        }
        print("netns network: \(common) identical blocks on 4 validators")
        lab.stopNodes()
        for line in lab.stopDelays() {
            print("netns network: delay program: \(line)")
            #expect(line.hasPrefix("queue") && !line.contains("delayed 0 "), "the delay program did not delay: \(line)")
        }
    }

    static func json(_ url: String) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 10
        let (body, _) = try await URLSession.shared.data(for: request)
        return (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
    }

    static func height(_ api: String) async throws -> UInt64 {
        UInt64(try await json("\(api)/v1/status")["height"] as? Int ?? 0)
    }

    static func waitHeights(_ apis: [String], atLeast target: UInt64, within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        var heights: [UInt64] = []
        while ContinuousClock.now < deadline {
            heights = []
            for api in apis { heights.append((try? await height(api)) ?? 0) }
            if heights.allSatisfy({ $0 >= target }) { return }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("heights \(heights) did not all reach \(target) within \(limit)")
        throw CancellationError()
    }
}

/// Network namespaces for a test: a hub namespace holding a bridge, one namespace per node with a
/// veth whose other end is on the bridge, and a veth from the test's own namespace to the bridge so
/// the test reaches the nodes' APIs. Names carry a random tag so concurrent runs do not collide.
final class NetnsLab: @unchecked Sendable {
    // `@unchecked Sendable`: used from one test at a time; `processes` is only touched by that test.

    let tag: String
    let addresses: [String]
    private let subnet: String
    private var namespaces: [String] = []
    private var processes: [Process] = []
    private var lossRules = false
    private let delay = NFQueueDelay()

    /// Whether this process may create network namespaces; prints why not when it may not.
    static func isPermitted() -> Bool {
        guard getuid() == 0 else {
            print("NetnsNetworkMultiProcessTests skipped: network namespaces need root (uid \(getuid()))")
            return false
        }
        guard let ip = ipTool else {
            print("NetnsNetworkMultiProcessTests skipped: no `ip` executable (iproute2)")
            return false
        }
        let name = "fogprobe-\(UInt32.random(in: 0...UInt32.max))"
        guard let added = try? Subprocess.run(ip, ["netns", "add", name], timeout: 20), added.status == 0 else {
            print("NetnsNetworkMultiProcessTests skipped: `ip netns add` is not permitted here")
            return false
        }
        _ = try? Subprocess.run(ip, ["netns", "del", name], timeout: 20)
        return true
    }

    static let ipTool: URL? = executable("ip")
    static let tcTool: URL? = executable("tc")
    static let iptablesTool: URL? = executable("iptables")
    static let pingTool: URL? = executable("ping")

    static func executable(_ name: String) -> URL? {
        Subprocess.onPath(name) ?? ["/usr/sbin", "/sbin"].map { URL(fileURLWithPath: "\($0)/\(name)") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    init(nodes: Int) throws {
        tag = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        // A /24 in 10.0.0.0/8 that the test's namespace does not route yet.
        let routes = (try? Subprocess.run(try #require(Self.ipTool), ["-4", "route", "show"]).out) ?? ""
        var subnet = ""
        repeat {
            subnet = "10.\(Int.random(in: 100...250)).\(Int.random(in: 0...255))"
        } while routes.contains(subnet + ".")
        self.subnet = subnet
        addresses = (1...nodes).map { "\(subnet).\($0)" }
        do {
            try build(nodes: nodes)
        } catch {
            teardown()
            throw error
        }
    }

    private var hub: String { "fog-\(tag)-hub" }
    /// The veth end in the test's own namespace.
    private var hostLink: String { "fog\(tag)" }
    private func node(_ index: Int) -> String { "fog-\(tag)-n\(index)" }

    /// Runs `ip ARGS` (or another tool), failing on a non-zero status.
    @discardableResult
    private func run(_ tool: URL?, _ arguments: [String]) throws -> ProcessResult {
        let tool = try #require(tool, "missing tool for \(arguments)")
        // Generous: on a loaded machine even `ip netns add` can wait long for the CPU.
        let result = try Subprocess.run(tool, arguments, timeout: 90)
        guard result.status == 0 else {
            let why = result.timedOut ? "no answer within 90 s" : "status \(result.status): \(result.err)"
            throw NetnsError(description: "\(tool.lastPathComponent) \(arguments.joined(separator: " ")): \(why)")
        }
        return result
    }

    private func build(nodes: Int) throws {
        let ip = Self.ipTool
        // Named for the teardown before it is made: an `ip` cut off mid-way may still have made it.
        namespaces.append(hub)
        try run(ip, ["netns", "add", hub])
        try run(ip, ["-n", hub, "link", "add", "br0", "type", "bridge"])
        try run(ip, ["-n", hub, "link", "set", "br0", "up"])
        for index in 0..<nodes {
            namespaces.append(node(index))
            try run(ip, ["netns", "add", node(index)])
            try run(ip, ["-n", hub, "link", "add", "p\(index)", "type", "veth", "peer", "name", "eth0", "netns", node(index)])
            try run(ip, ["-n", hub, "link", "set", "p\(index)", "master", "br0"])
            try run(ip, ["-n", hub, "link", "set", "p\(index)", "up"])
            try run(ip, ["-n", node(index), "addr", "add", "\(addresses[index])/24", "dev", "eth0"])
            try run(ip, ["-n", node(index), "link", "set", "eth0", "up"])
            try run(ip, ["-n", node(index), "link", "set", "lo", "up"])
        }
        // The test's own way in: a veth from this namespace to the bridge (deleted with the hub).
        let host = hostLink
        try run(ip, ["link", "add", host, "type", "veth", "peer", "name", "up0", "netns", hub])
        try run(ip, ["-n", hub, "link", "set", "up0", "master", "br0"])
        try run(ip, ["-n", hub, "link", "set", "up0", "up"])
        try run(ip, ["addr", "add", "\(subnet).254/24", "dev", host])
        try run(ip, ["link", "set", host, "up"])
    }

    /// Applies netem 20 ms delay and 1 % loss on each node's interface where the kernel has netem,
    /// else 1 % loss with iptables' statistic match and 20 ms delay with `NFQueueDelay` on each node's
    /// incoming packets (their delay-program logs go to `directory`); returns a line per impairment
    /// saying how it was applied. Throws when one of them cannot be applied.
    func impair(logs directory: String) throws -> [String] {
        let nodeNamespaces = namespaces.filter { $0 != hub }
        let tc = Self.tcTool?.path ?? "tc"
        let netem = ["qdisc", "add", "dev", "eth0", "root", "netem", "delay", "20ms", "loss", "1%"]
        if (try? run(Self.ipTool, ["netns", "exec", nodeNamespaces[0], tc] + netem)) != nil {
            for name in nodeNamespaces.dropFirst() { try run(Self.ipTool, ["netns", "exec", name, tc] + netem) }
            return ["delay 20 ms: netem on each node's eth0", "loss 1 %: netem on each node's eth0"]
        }
        guard let iptables = Self.iptablesTool else {
            throw NetnsError(description: "this kernel has no netem qdisc, and without iptables neither loss nor delay "
                                 + "can be applied")
        }
        // Loss first: the delay's NFQUEUE rule ends the INPUT chain for the packets it queues.
        for name in nodeNamespaces {
            try run(Self.ipTool, ["netns", "exec", name, iptables.path, "-A", "INPUT", "-i", "eth0", "-m", "statistic",
                                  "--mode", "random", "--probability", "0.01", "-j", "DROP"])
            // A rule without a target counts the packets that passed the drop.
            try run(Self.ipTool, ["netns", "exec", name, iptables.path, "-A", "INPUT", "-i", "eth0"])
        }
        lossRules = true
        if let reason = NFQueueDelay.unavailableReason {
            throw NetnsError(description: "this kernel has no netem qdisc, and the NFQUEUE delay cannot run: \(reason)")
        }
        for name in nodeNamespaces {
            try delay.apply(namespace: name, interface: "eth0", milliseconds: 20, log: "\(directory)/delay-\(name).log")
        }
        return ["delay 20 ms: no netem qdisc; iptables NFQUEUE on each node's incoming packets, "
                    + "accepted 20 ms later by \(NFQueueDelay.script.lastPathComponent)",
                "loss 1 %: no netem qdisc; iptables statistic match (random 0.01) on each node's incoming packets"]
    }

    /// Pings node `to` from node `from` (5 packets); the round-trip times in milliseconds, user to
    /// user (`-U`: the kernel's receive timestamp is taken before an arriving packet is delayed).
    func pingRoundTrip(from: Int, to: Int) throws -> (min: Double, avg: Double, max: Double, sent: Int, received: Int) {
        let ping = try #require(Self.pingTool, "no ping executable (apt-get install iputils-ping)")
        let result = try run(Self.ipTool, ["netns", "exec", node(from), ping.path, "-q", "-n", "-U", "-c", "5", "-i", "0.2",
                                           "-W", "3", addresses[to]])
        // "5 packets transmitted, 5 received, 0% packet loss, …" and "rtt min/avg/max/mdev = a/b/c/d ms"
        let counts = result.out.split(separator: "\n").first { $0.contains("packets transmitted") }?
            .split(separator: " ").compactMap { Int($0) } ?? []
        let times = result.out.split(separator: "\n").first { $0.contains("min/avg/max") }?
            .split(separator: "=").last?.split(separator: " ").first?.split(separator: "/").compactMap { Double($0) } ?? []
        guard counts.count >= 2, times.count >= 3 else {
            throw NetnsError(description: "unexpected ping output: \(result.out)")
        }
        return (times[0], times[1], times[2], counts[0], counts[1])
    }

    /// Packets the loss rules dropped and let through, summed over the nodes; nil without them.
    func lossCounts() -> (dropped: Int, passed: Int)? {
        guard lossRules, let iptables = Self.iptablesTool else { return nil }
        var dropped = 0, passed = 0
        for name in namespaces where name != hub {
            guard let listing = try? run(Self.ipTool, ["netns", "exec", name, iptables.path, "-L", "INPUT", "-v", "-n", "-x"])
            else { continue }
            for line in listing.out.split(separator: "\n") where line.contains("eth0") && !line.contains("NFQUEUE") {
                let packets = Int(line.split(separator: " ").first ?? "") ?? 0
                if line.contains("statistic") { dropped += packets } else { passed += packets }
            }
        }
        return (dropped, passed)
    }

    /// Starts `binary node --home home` inside node `index`'s namespace, output in its log.
    func startNode(_ index: Int, binary: URL, home: String) throws {
        let log = "\(home)/node.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: log))
        let process = Process()
        process.executableURL = Self.ipTool
        // `ip netns exec` enters the namespace and executes the node in its own place (same pid).
        process.arguments = ["netns", "exec", node(index), binary.path, "node", "--home", home, "--log-level", "warning"]
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        processes.append(process)
    }

    /// SIGTERM to every node, SIGKILL after 10 s.
    func stopNodes() {
        for process in processes where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        while processes.contains(where: \.isRunning), Date() < deadline { usleep(50_000) }
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Stops the delay programs (each accepts what it holds); returns each one's last line of counts.
    func stopDelays() -> [String] { delay.stop() }

    /// Stops the nodes and the delay programs and deletes every namespace (their veths, bridge and
    /// rules go with them).
    func teardown() {
        stopNodes()
        _ = stopDelays()
        let ip = Self.ipTool ?? URL(fileURLWithPath: "/usr/sbin/ip")
        for name in namespaces.reversed() {
            _ = try? Subprocess.run(ip, ["netns", "del", name], timeout: 60)
        }
        namespaces = []
        // Gone with its peer in the hub already, unless the hub was never made.
        _ = try? Subprocess.run(ip, ["link", "del", hostLink], timeout: 60)
    }
}

struct NetnsError: Error, CustomStringConvertible {
    let description: String
}
