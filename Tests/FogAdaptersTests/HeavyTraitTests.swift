import FogTestSupport
import Testing

/// The `.heavy` trait's gate: scopes entered at the same time run one after the other, and a scope
/// that throws still lets the next one in.
@Suite struct HeavyTraitTests {
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

    @Test(.timeLimit(.minutes(1))) func scopesRunOneAtATimeAndAThrowingOneHandsOn() async throws {
        struct Planned: Error {}
        let test = try #require(Test.current)
        let trait: HeavyTrait = .heavy
        let occupancy = Occupancy()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<6 {
                group.addTask {
                    try? await trait.provideScope(for: test, testCase: nil) {
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
