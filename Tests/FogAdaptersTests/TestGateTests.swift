import FogTestSupport
import Testing

/// The gate behind the `.heavy` trait: bodies entered at the same time run one after the other, and
/// a body that throws still lets the next one in. (A gate of its own: the trait's is shared with
/// the heavy suites running meanwhile.)
@Suite struct TestGateTests {
    /// How many scopes are inside at once, and the most there ever were.
    actor Occupancy {
        private(set) var inside = 0
        private(set) var most = 0
        private(set) var finished = 0

        func enter() {
            inside += 1
            most = max(most, inside)
        }

        func leave() {
            inside -= 1
            finished += 1
        }
    }

    @Test(.timeLimit(.minutes(1))) func bodiesRunOneAtATimeAndAThrowingOneHandsOn() async {
        struct Planned: Error {}
        let gate = TestGate()
        let occupancy = Occupancy()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<6 {
                group.addTask {
                    try? await gate.run {
                        await occupancy.enter()
                        try await Task.sleep(for: .milliseconds(5))
                        await occupancy.leave()
                        if index.isMultiple(of: 2) { throw Planned() }
                    }
                }
            }
        }
        #expect(await occupancy.most == 1)
        #expect(await occupancy.finished == 6)
    }
}
