import Testing

@testable import FogCLICommands

@Suite struct BenchNodeProcessTests {
    @Test func cpuSecondsAreUserPlusSystemTicks() {
        // A command name with spaces and a parenthesis, as `/proc/PID/stat` can hold.
        let stat = "4242 (fog ledger) node) S 1 4242 4242 0 -1 4194560 5120 0 0 0 1234 566 0 0 20 0 9 0 100 0 0\n"
        #expect(BenchNodeProcess.cpuSeconds(stat: stat, ticksPerSecond: 100) == 18.0)
    }

    @Test func anythingElseHasNoCPUTime() {
        #expect(BenchNodeProcess.cpuSeconds(stat: "", ticksPerSecond: 100) == nil)
        #expect(BenchNodeProcess.cpuSeconds(stat: "1 (x) S 1 2 3", ticksPerSecond: 100) == nil)
        #expect(BenchNodeProcess.cpuSeconds(stat: "1 (x) S 1 1 1 0 -1 0 0 0 0 0 a b", ticksPerSecond: 100) == nil)
        #expect(BenchNodeProcess.cpuSeconds(stat: "1 (x) S 1 1 1 0 -1 0 0 0 0 0 5 5", ticksPerSecond: 0) == nil)
    }
}
