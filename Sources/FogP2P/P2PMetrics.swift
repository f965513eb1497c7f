import FogWire
import Metrics

/// The P2P layer's swift-metrics counters. Per-message counters are made once; the rare ones
/// (disconnects, refusals) by reason when they happen.
struct P2PMetrics: Sendable {
    private let receivedCounters: [WireMessageType: Counter]
    private let sentCounters: [WireMessageType: Counter]
    private let droppedCounters: [WireChannel: Counter]

    init() {
        var received: [WireMessageType: Counter] = [:]
        var sent: [WireMessageType: Counter] = [:]
        for type in WireMessageType.allCases {
            received[type] = Counter(label: "fogledger_p2p_messages_received_total", dimensions: [("type", "\(type)")])
            sent[type] = Counter(label: "fogledger_p2p_messages_sent_total", dimensions: [("type", "\(type)")])
        }
        receivedCounters = received
        sentCounters = sent
        droppedCounters = Dictionary(uniqueKeysWithValues: WireChannel.allCases.map {
            ($0, Counter(label: "fogledger_p2p_messages_dropped_total", dimensions: [("channel", "\($0)")]))
        })
    }

    func received(_ type: WireMessageType) { receivedCounters[type]!.increment() }
    func sent(_ type: WireMessageType) { sentCounters[type]!.increment() }
    func dropped(_ channel: WireChannel) { droppedCounters[channel]!.increment() }

    func disconnected(reason: String) {
        Counter(label: "fogledger_p2p_disconnects_total", dimensions: [("reason", reason)]).increment()
    }

    func refused(reason: String) {
        Counter(label: "fogledger_p2p_connections_refused_total", dimensions: [("reason", reason)]).increment()
    }
}
