public import Testing

/// Marks a test or suite that loads the whole machine: child processes, a broker, a network of nodes,
/// timing that needs the cores. Heavy tests and suites run one at a time; light tests run beside them.
///
/// `swift test` runs tests in parallel, and a 2-core machine cannot host a four-validator network, a
/// benchmark and a broker at once without every deadline in them slipping. Apply it to a suite (it
/// then holds the machine for the whole suite) or to a single test function, never to both.
public struct HeavyTrait: SuiteTrait, TestTrait, TestScoping {
    /// The gate every heavy test and suite in the test process passes through.
    static let machine = TestGate()

    public var isRecursive: Bool { false }

    /// Once per suite or test function, never per test case: the scope spans all of its cases.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> HeavyTrait? {
        testCase == nil ? self : nil
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await Self.machine.run(function)
    }
}

extension Trait where Self == HeavyTrait {
    /// Runs this test or suite alone among the heavy ones (see ``HeavyTrait``).
    public static var heavy: Self { HeavyTrait() }
}

/// A first-come, first-served lock for asynchronous work: one `run` at a time.
public actor TestGate {
    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// An open gate.
    public init() {}

    /// Runs `body` once every earlier caller's `body` has finished (returned or thrown).
    public func run(_ body: @Sendable () async throws -> Void) async throws {
        await acquire()
        do {
            try await body()
        } catch {
            release()
            throw error
        }
        release()
    }

    private func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the gate to the longest waiter, or opens it.
    private func release() {
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
