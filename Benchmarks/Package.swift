// swift-tools-version: 6.1
import PackageDescription

/// FogLedger's performance benchmarks: a separate package so that neither the root package's build
/// nor its CI ever compiles ordo-one/benchmark. Run from this directory:
///
///     swift package benchmark                       # all suites, release build
///     swift package benchmark --target CBOR         # one suite
///     swift package benchmark thresholds check      # compare with Thresholds/
///
/// See docs/benchmarks.md for the numbers on the reference machine.
let package = Package(
    name: "FogLedgerBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "FogLedger", path: ".."),
        // The MallocInterposer trait gives the malloc metrics on Swift 6.3 (and, by replacing the
        // default traits, leaves out the runtime interposer, which is not available here).
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Deterministic keys, readings and trees shared by every suite.
        .target(
            name: "BenchmarkFixtures",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FogCore", package: "FogLedger"),
                .product(name: "FogCrypto", package: "FogLedger"),
                .product(name: "FogTypes", package: "FogLedger"),
            ]
        )
    ]
)

/// One executable per suite under Benchmarks/<Name>/, the layout the benchmark plugin discovers.
let suites: [(name: String, products: [String])] = [
    ("CBOR", ["FogCore", "FogCrypto", "FogTypes"]),
    ("Signatures", ["FogCore", "FogCrypto"]),
    ("Hashing", ["FogCrypto"]),
    ("Merkle", ["FogCrypto", "FogMerkle"]),
    ("Readings", ["FogCore", "FogCrypto", "FogTypes"]),
    ("Ledger", ["FogCore", "FogCrypto", "FogTypes", "FogExecution", "FogStore", "FogStoreSQLite"]),
    ("Light", ["FogCrypto", "FogTypes", "FogLight", "FogTestKit"]),
]

package.targets += suites.map { suite in
    .executableTarget(
        name: suite.name,
        dependencies: [
            "BenchmarkFixtures",
            .product(name: "Benchmark", package: "benchmark"),
        ] + suite.products.map { .product(name: $0, package: "FogLedger") },
        path: "Benchmarks/\(suite.name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}
