import FogMQTT
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out: \(what)" }
}

@discardableResult
/// Runs `body`, failing with `TimedOut` after `seconds`.
func withTimeout<T: Sendable>(_ seconds: Double, _ what: String = "operation",
                              _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TimedOut(what: what)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// Polls `condition` every 10 ms until it holds or `seconds` pass.
func eventually(_ seconds: Double = 5, _ what: String = "condition", _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw TimedOut(what: what)
}

/// Collects `count` messages from a subscription stream, within `seconds`.
func collect(_ stream: AsyncStream<MQTTPublish>, count: Int, seconds: Double = 10) async throws -> [MQTTPublish] {
    try await withTimeout(seconds, "\(count) messages") {
        var out: [MQTTPublish] = []
        for await m in stream {
            out.append(m)
            if out.count == count { break }
        }
        return out
    }
}

/// A free TCP port on 127.0.0.1 (bound, read, released).
func freePort() throws -> Int {
    let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).wait()
    defer { try? channel.close().wait() }
    return channel.localAddress!.port!
}

func trace(_ s: String) {
    if ProcessInfo.processInfo.environment["MQTT_TRACE"] != nil {
        FileHandle.standardError.write(Data("[mqtt-test] \(s)\n".utf8))
    }
}

enum TestEnvironment {
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    static func executable(_ name: String) -> String? {
        for dir in ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/opt/homebrew/sbin",
                    "/opt/homebrew/bin"] {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// The integration tests run when Mosquitto is installed, and always under CI=true (where its absence fails).
    static var runsMosquittoTests: Bool {
        if executable("mosquitto") != nil { return true }
        if isCI { return true }
        print("FogMQTT integration tests skipped: mosquitto is not installed (apt-get install mosquitto mosquitto-clients)")
        return false
    }
}

/// A Mosquitto broker on 127.0.0.1 with a generated config and a random free port; `stop()` kills it.
final class MosquittoBroker: Sendable {
    let port: Int
    let directory: URL
    private let process: Process

    struct NotInstalled: Error, CustomStringConvertible {
        var description: String { "mosquitto is not installed but CI=true: apt-get install mosquitto mosquitto-clients" }
    }

    /// The CA certificate (PEM) that signed a TLS broker's certificate.
    var caFile: String { directory.appendingPathComponent("ca.crt").path }

    /// `users`: name → password; when given, anonymous clients are refused. `tls`: the listener speaks TLS
    /// with a certificate for `localhost` / 127.0.0.1 signed by a fresh CA (`caFile`).
    init(users: [(String, String)] = [], tls: Bool = false) async throws {
        guard let binary = TestEnvironment.executable("mosquitto") else { throw NotInstalled() }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fog-mosquitto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try freePort()
        var config = ["listener \(port) 127.0.0.1", "persistence false", "log_dest none", "max_inflight_messages 20"]
        if users.isEmpty {
            config.append("allow_anonymous true")
        } else {
            let passwd = directory.appendingPathComponent("passwd")
            guard let tool = TestEnvironment.executable("mosquitto_passwd") else { throw NotInstalled() }
            for (i, (user, password)) in users.enumerated() {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: tool)
                p.arguments = (i == 0 ? ["-c"] : []) + ["-b", passwd.path, user, password]
                try p.run()
                p.waitUntilExit()
            }
            config += ["allow_anonymous false", "password_file \(passwd.path)"]
        }
        if tls {
            try Self.makeCertificates(in: directory)
            config += ["cafile \(directory.path)/ca.crt", "certfile \(directory.path)/server.crt",
                       "keyfile \(directory.path)/server.key"]
        }
        if getuid() == 0 { config.append("user root") }
        let configFile = directory.appendingPathComponent("mosquitto.conf")
        try (config.joined(separator: "\n") + "\n").write(to: configFile, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-c", configFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        trace("starting mosquitto on \(port)")
        try process.run()
        // Ready once it accepts TCP connections.
        let port = self.port
        do {
            try await eventually(10, "mosquitto listening on \(port)") {
                (try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connect(host: "127.0.0.1", port: port).get().close().get()) != nil
            }
        } catch {
            stop()
            throw error
        }
        trace("mosquitto up on \(port)")
    }

    private static func makeCertificates(in dir: URL) throws {
        guard let openssl = TestEnvironment.executable("openssl") else { throw NotInstalled() }
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(
            to: dir.appendingPathComponent("ext.cnf"), atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for args in [
            ["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=FogMQTT test CA"],
            ["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.crt", "-days", "1", "-extfile", "ext.cnf"],
        ] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: openssl)
            p.arguments = args
            p.currentDirectoryURL = dir
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw TimedOut(what: "openssl \(args[0]) failed") }
        }
    }

    func stop() {
        // SIGKILL: a child of the test process may inherit a signal mask that blocks SIGTERM.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs a stock Mosquitto command-line tool; `waitForExit` bounds the wait.
final class ToolProcess: Sendable {
    private let process: Process
    private let output: Pipe

    init(_ tool: String, _ arguments: [String]) throws {
        guard let path = TestEnvironment.executable(tool) else { throw MosquittoBroker.NotInstalled() }
        process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        output = Pipe()
        process.standardOutput = output
        try process.run()
    }

    /// Waits (bounded) for exit and returns stdout and the exit status.
    func waitForExit(seconds: Double = 10) async throws -> (String, Int32) {
        try await eventually(seconds, "\(process.executableURL!.lastPathComponent) to exit") { !process.isRunning }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus)
    }

    func terminate() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// A scripted broker on 127.0.0.1 built from FogMQTT's own codec, for what a real broker will not do on cue
/// (withhold PUBACK or PINGRESP, drop the connection, send garbage).
final class FakeBroker: Sendable {
    struct Connection: Sendable {
        let index: Int
        let channel: any Channel
        func send(_ packet: MQTTPacket) { channel.writeAndFlush(packet, promise: nil) }
        func sendRaw(_ bytes: [UInt8]) {
            // Below the encoder: straight onto the socket.
            channel.pipeline.context(name: "encoder").whenSuccess { ctx in
                ctx.writeAndFlush(NIOAny(ByteBuffer(bytes: bytes)), promise: nil)
            }
        }
        func close() { channel.close(promise: nil) }
    }

    typealias Script = @Sendable (MQTTPacket, Connection) -> Void

    let port: Int
    private let channel: any Channel

    init(version: MQTTVersion, script: @escaping Script) throws {
        let counter = Mutex(0)
        let recorder = Recorder()
        self.recorder = recorder
        channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let index = counter.withLock { n in
                    n += 1
                    return n
                }
                recorder.lastChannel.withLock { $0 = channel }
                return channel.eventLoop.makeCompletedFuture {
                    let ops = channel.pipeline.syncOperations
                    try ops.addHandler(ByteToMessageHandler(MQTTPacketDecoder(version: version)))
                    try ops.addHandler(MessageToByteHandler(MQTTPacketEncoder(version: version)), name: "encoder")
                    try ops.addHandler(FakeBrokerHandler(connection: Connection(index: index, channel: channel),
                                                         recorder: recorder, script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress!.port!
    }

    let recorder: Recorder

    final class Recorder: Sendable {
        let packets = Mutex<[(connection: Int, packet: MQTTPacket)]>([])
        let lastChannel = Mutex<(any Channel)?>(nil)
        var all: [(connection: Int, packet: MQTTPacket)] { packets.withLock { $0 } }
    }

    var packets: [(connection: Int, packet: MQTTPacket)] { recorder.all }

    /// The most recent connection's channel.
    var lastChannel: (any Channel)? { recorder.lastChannel.withLock { $0 } }

    func stop() { try? channel.close().wait() }
}

final class FakeBrokerHandler: ChannelInboundHandler {
    typealias InboundIn = MQTTPacket
    let connection: FakeBroker.Connection
    let recorder: FakeBroker.Recorder
    let script: FakeBroker.Script

    init(connection: FakeBroker.Connection, recorder: FakeBroker.Recorder, script: @escaping FakeBroker.Script) {
        self.connection = connection
        self.recorder = recorder
        self.script = script
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let packet = unwrapInboundIn(data)
        recorder.packets.withLock { $0.append((connection.index, packet)) }
        script(packet, connection)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
