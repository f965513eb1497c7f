public import FogCrypto
public import FogDevice
public import FogTypes

/// How a `DeviceAgent` batches, bounds its queue and retries.
public struct DeviceAgentConfiguration: Sendable {
    /// When batches are sealed.
    public var batch: BatchLimits
    /// The queue's bounds and inflight window.
    public var queue: QueueLimits
    /// Delays between retries.
    public var backoff: RetryBackoff
    /// How long a sent or accepted envelope may go unanswered before it is sent again, in milliseconds.
    public var answerTimeoutMillis: UInt64
    /// How often batch ages and answer timeouts are checked, in milliseconds.
    public var tickMillis: UInt64

    /// Creates a configuration.
    public init(batch: BatchLimits = BatchLimits(), queue: QueueLimits = QueueLimits(),
                backoff: RetryBackoff = RetryBackoff(), answerTimeoutMillis: UInt64 = 15_000, tickMillis: UInt64 = 20) {
        self.batch = batch
        self.queue = queue
        self.backoff = backoff
        self.answerTimeoutMillis = answerTimeoutMillis
        self.tickMillis = max(1, tickMillis)
    }
}

/// A device's sending side: numbers, records, batches and signs readings, keeps them in a
/// persistent queue until the ledger commits them, sends them in order through a transport with
/// retry and backoff, and reports what happened as `events`.
///
/// `record` returns once the reading is on disk (fsynced): from then on it survives a crash or a
/// restart and is sent exactly in sequence order; a resend the ledger already holds ends as
/// `alreadyRecorded`, never as a second copy.
public actor DeviceAgent {
    /// The device's address.
    public nonisolated let device: Address
    /// What happened to the readings; finishes on `stop`.
    public nonisolated let events: AsyncStream<DeviceEvent>

    private let eventSink: AsyncStream<DeviceEvent>.Continuation
    private let signer: any Signer
    private let transport: any DeviceTransport
    private let file: QueueFile
    private let configuration: DeviceAgentConfiguration
    private var builder: ReadingBuilder
    private var batcher: ReadingBatcher
    private var queue: OutboundQueue
    private var random = SystemRandomNumberGenerator()
    private let started = ContinuousClock.now
    private let wake: AsyncStream<Void>.Continuation
    private var wakeStream: AsyncStream<Void>?
    private var tasks: [Task<Void, Never>] = []
    private var stopped = false

    /// Opens the queue in `directory` (created if missing) and recovers what it holds.
    ///
    /// - Parameters:
    ///   - device: the device's address (default: the signer's key's address; differs after a rotation).
    ///   - nextSequenceAtLeast: the lowest sequence number the next reading may take (e.g. the
    ///     ledger's `lastSequence` + 1 for a device that sent before without this queue).
    public init(directory: String, chainID: ChainID, device: Address? = nil, signer: some Signer,
                transport: some DeviceTransport, configuration: DeviceAgentConfiguration = DeviceAgentConfiguration(),
                nextSequenceAtLeast: UInt64 = 1) throws(DeviceError) {
        let device = device ?? signer.publicKey.address
        let (file, recovered) = try QueueFile.open(directory: directory)
        self.device = device
        self.file = file
        self.signer = signer
        self.transport = transport
        self.configuration = configuration
        let (events, eventSink) = AsyncStream.makeStream(of: DeviceEvent.self)
        self.events = events
        self.eventSink = eventSink
        let (wakeStream, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.wakeStream = wakeStream
        self.wake = wake
        var queue = OutboundQueue(limits: configuration.queue)
        for envelope in recovered.envelopes {
            guard envelope.device == device else {
                throw DeviceError("invalid-queue", "\(directory) holds readings of device \(envelope.device), not \(device)")
            }
            try queue.enqueue(envelope, ignoringLimits: true)
        }
        self.queue = queue
        batcher = ReadingBatcher(limits: configuration.batch)
        for reading in recovered.openReadings {
            guard reading.device == device, reading.chainID == chainID else {
                throw DeviceError("invalid-queue", "\(directory) holds a reading of another device or chain")
            }
        }
        builder = ReadingBuilder(chainID: chainID, device: device,
                                 nextSequence: max(recovered.highestSequence + 1, nextSequenceAtLeast, 1))
        pendingOpen = recovered.openReadings
    }

    /// Readings recovered unsealed; batched again on `start`.
    private var pendingOpen: [Reading]

    /// Starts sending (what was recovered first).
    public func start() {
        guard tasks.isEmpty, !stopped, let wakeStream else { return }
        self.wakeStream = nil
        for reading in pendingOpen {
            for group in batcher.add(reading, nowMillis: nowMillis) { sealRecovered(group) }
        }
        pendingOpen = []
        tasks.append(Task { await self.sendLoop(wakeStream) })
        tasks.append(Task { await self.acknowledgementLoop() })
        tasks.append(Task { await self.timerLoop() })
        wake.yield()
    }

    /// Records a reading taken at `timeMillis` and returns its sequence number, once it is on disk.
    /// Throws `queue-full` (taking no sequence number) when the queue is at its bound.
    @discardableResult
    public func record(timeMillis: UInt64, content: ReadingContent) throws(DeviceError) -> UInt64 {
        guard !stopped else { throw DeviceError("stopped", "the device agent is stopped") }
        guard queue.hasRoom() else {
            throw DeviceError("queue-full", "\(queue.count) envelopes (\(queue.byteCount) bytes) wait for the ledger; the queue is full")
        }
        let reading = try builder.reading(timeMillis: timeMillis, content: content)
        if configuration.batch.maxReadings == 1 {
            // Sealed at once: the envelope record alone makes the reading durable (one fsync, not two).
            try seal([reading])
            return reading.sequence
        }
        try file.append(reading: reading)
        for group in batcher.add(reading, nowMillis: nowMillis) { try seal(group) }
        return reading.sequence
    }

    /// Seals the open batch now instead of waiting for its age limit.
    public func flush() throws(DeviceError) {
        if let group = batcher.sealNow() { try seal(group) }
    }

    /// Flushes, then waits until the ledger has answered for everything queued or `timeout` passes;
    /// returns whether the queue emptied.
    public func drain(timeout: Duration) async throws(DeviceError) -> Bool {
        try flush()
        let deadline = ContinuousClock.now + timeout
        while !queue.isEmpty || !batcher.open.isEmpty {
            guard ContinuousClock.now < deadline, !stopped else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Stops sending and closes the transport; what is still queued stays on disk for the next start.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        for task in tasks { task.cancel() }
        tasks = []
        wake.finish()
        await transport.close()
        eventSink.finish()
    }

    /// Envelopes waiting for the ledger.
    public var queuedEnvelopes: Int { queue.count }

    /// The sequence number the next reading takes.
    public var nextSequence: UInt64 { builder.nextSequence }

    // MARK: - Sealing

    private var nowMillis: UInt64 {
        let elapsed = ContinuousClock.now - started
        return UInt64(elapsed.components.seconds) * 1_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    private func seal(_ group: [Reading]) throws(DeviceError) {
        let envelope = try OutboundEnvelope.seal(group, with: signer)
        try file.append(envelope: envelope)
        try queue.enqueue(envelope, ignoringLimits: true)
        wake.yield()
    }

    /// Seals readings recovered from disk; a failure leaves them on disk for the next start.
    private func sealRecovered(_ group: [Reading]) {
        do throws(DeviceError) {
            try seal(group)
        } catch {
            eventSink.yield(.rejected(nil, code: error.code, message: "cannot seal recovered readings: \(error.message)"))
        }
    }

    // MARK: - Loops

    private func sendLoop(_ wakeups: AsyncStream<Void>) async {
        var iterator = wakeups.makeAsyncIterator()
        var failures = 0
        while !Task.isCancelled, !stopped {
            guard let envelope = queue.nextToSend(nowMillis: nowMillis) else {
                guard await iterator.next(isolation: #isolation) != nil else { return }
                continue
            }
            let outcome: SendOutcome
            do {
                outcome = try await transport.send(envelope)
            } catch {
                queue.transportFailed()
                await backOff(&failures, reason: "\(error)")
                continue
            }
            failures = 0
            switch outcome {
            case .accepted:
                if let accepted = queue.accepted(envelope.transactionID, nowMillis: nowMillis) {
                    eventSink.yield(.accepted(Self.summary(accepted)))
                }
            case .delivered:
                break
            case .refused(let code, let message):
                if handleRefusal(envelope.transactionID, code: code, message: message) == .retry {
                    await backOff(&failures, reason: "\(code): \(message)")
                }
            }
        }
    }

    private func backOff(_ failures: inout Int, reason: String) async {
        let delay = configuration.backoff.delayMillis(attempt: failures, using: &random)
        failures += 1
        eventSink.yield(.retrying(afterMillis: delay, reason: reason))
        try? await Task.sleep(for: .milliseconds(delay))
    }

    private func acknowledgementLoop() async {
        for await ack in transport.acknowledgements {
            guard !stopped else { return }
            switch ack {
            case .accepted(let id):
                if let envelope = queue.accepted(id, nowMillis: nowMillis) { eventSink.yield(.accepted(Self.summary(envelope))) }
            case .committed(let id, let height):
                if let envelope = queue.committed(id) {
                    markDone(id)
                    eventSink.yield(.committed(Self.summary(envelope), height: height))
                }
            case .rejected(let id?, let code, let message):
                _ = handleRefusal(id, code: code, message: message)
            case .rejected(nil, let code, let message):
                eventSink.yield(.rejected(nil, code: code, message: message))
            case .lost(let id):
                queue.resend(id)
            }
            wake.yield()
        }
    }

    private func timerLoop() async {
        while !Task.isCancelled, !stopped {
            try? await Task.sleep(for: .milliseconds(configuration.tickMillis))
            let now = nowMillis
            if let group = batcher.sealIfDue(nowMillis: now) {
                do throws(DeviceError) {
                    try seal(group)
                } catch {
                    eventSink.yield(.rejected(nil, code: error.code, message: error.message))
                }
            }
            let requeued = queue.requeueUnanswered(nowMillis: now, timeoutMillis: configuration.answerTimeoutMillis)
            if requeued > 0 {
                eventSink.yield(.retrying(afterMillis: 0, reason: "\(requeued) envelopes unanswered for \(configuration.answerTimeoutMillis) ms"))
            }
            wake.yield()
        }
    }

    // MARK: - Answers

    private func handleRefusal(_ id: Hash256, code: String, message: String) -> QueueResolution? {
        guard let result = queue.refused(id, code: code) else { return nil }
        let (envelope, resolution) = result
        switch resolution {
        case .alreadyRecorded:
            markDone(id)
            eventSink.yield(.alreadyRecorded(Self.summary(envelope)))
        case .rejected:
            markDone(id)
            eventSink.yield(.rejected(Self.summary(envelope), code: code, message: message))
        case .retry:
            break
        }
        return resolution
    }

    private func markDone(_ id: Hash256) {
        do throws(DeviceError) {
            try file.append(done: id)
            if file.wantsCompaction {
                var state = RecoveredQueue()
                state.envelopes = queue.entries.map(\.envelope)
                state.openReadings = batcher.open
                state.highestSequence = builder.nextSequence - 1
                try file.compact(state)
            }
        } catch {
            // The envelope is recorded as queued on disk: after a restart it is resent and ends as
            // already recorded. Nothing is lost; report the disk trouble.
            eventSink.yield(.rejected(nil, code: error.code, message: error.message))
        }
    }

    private static func summary(_ envelope: OutboundEnvelope) -> EnvelopeSummary {
        EnvelopeSummary(transactionID: envelope.transactionID, sequences: envelope.sequences,
                        readingCount: envelope.readingCount)
    }
}
