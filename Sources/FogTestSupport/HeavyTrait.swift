public import Testing

/// Marks a test or suite that loads the whole machine: child processes, a broker, a network of nodes,
/// timing that needs the cores. Heavy tests and suites run one at a time; light tests run beside them.
///
/// `swift test` runs tests in parallel, and a 2-core machine cannot host a four-validator network, a
/// benchmark and a broker at once without every deadline in them slipping. Apply it to a suite (it
/// then holds the machine for the whole suite) or to a single test function, never to both.
public struct HeavyTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { false }

    /// Once per suite or test function, never per test case: the scope spans all of its cases.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> HeavyTrait? {
        testCase == nil ? self : nil
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        await HeavyTestGate.shared.acquire()
        do {
            try await function()
        } catch {
            await HeavyTestGate.shared.release()
            throw error
        }
        await HeavyTestGate.shared.release()
    }
}

extension Trait where Self == HeavyTrait {
    /// Runs this test or suite alone among the heavy ones (see ``HeavyTrait``).
    public static var heavy: Self { HeavyTrait() }
}

/// A first-come, first-served lock over the machine, shared by every test target in the test process.
actor HeavyTestGate {
    static let shared = HeavyTestGate()

    private var held = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard held else {
            held = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the lock to the longest waiter, or frees it.
    func release() {
        if waiting.isEmpty {
            held = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
