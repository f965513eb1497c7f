// FogTestKit — helpers shared by the test targets.
