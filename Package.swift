// swift-tools-version: 6.1
import PackageDescription

/// FogLedger: a permissioned blockchain platform for IoT fleets.
///
/// Layers (dependencies point down only; see docs/architecture.md):
/// - L0 pure values:    FogCore, FogCrypto, FogMerkle, FogTypes, FogWire
/// - L1 pure machines:  FogConsensus, FogMempool, FogExecution, FogLight, FogDevice
/// - L2 IO adapters:    FogStore, FogStoreSQLite, FogP2P, FogMQTT, FogDeviceKit, FogContracts
/// - L3 composition:    FogNode, FogAPI, FogGateway, FogExplorer, FogCLICommands, fogledger
/// - test support:      FogSimulation, FogTestKit, fog-vectors, fog-vopr, fog-store-crash-helper
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "FogLedger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fogledger", targets: ["fogledger"]),
        .library(name: "FogCore", targets: ["FogCore"]),
        .library(name: "FogCrypto", targets: ["FogCrypto"]),
        .library(name: "FogMerkle", targets: ["FogMerkle"]),
        .library(name: "FogTypes", targets: ["FogTypes"]),
        .library(name: "FogExecution", targets: ["FogExecution"]),
        .library(name: "FogStore", targets: ["FogStore"]),
        .library(name: "FogStoreSQLite", targets: ["FogStoreSQLite"]),
        .library(name: "FogLight", targets: ["FogLight"]),
        // Fixtures for the benchmarks package's light-client suite; never linked into the node.
        .library(name: "FogTestKit", targets: ["FogTestKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", exact: "1.21.1"),
    ],
    targets: [
        // L0 — pure values
        .target(name: "FogCore", swiftSettings: strict),
        .target(
            name: "FogCrypto",
            dependencies: ["FogCore", .product(name: "Crypto", package: "swift-crypto")],
            // Optimised in debug builds too: every lone Ed25519 signature is checked by FogLedger's own
            // field arithmetic, which unoptimised made the test suite's seed sweep take 627 s, not ~240.
            swiftSettings: strict + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "FogMerkle", dependencies: ["FogCore", "FogCrypto"], swiftSettings: strict),
        .target(name: "FogTypes", dependencies: ["FogCore", "FogCrypto", "FogMerkle"], swiftSettings: strict),
        .target(name: "FogWire", dependencies: ["FogCore", "FogTypes", "FogCrypto"], swiftSettings: strict),

        // L1 — pure machines
        .target(name: "FogConsensus", dependencies: ["FogTypes", "FogCore", "FogCrypto"], swiftSettings: strict),
        .target(name: "FogMempool", dependencies: ["FogTypes"], swiftSettings: strict),
        .target(
            name: "FogExecution", dependencies: ["FogCore", "FogCrypto", "FogTypes", "FogMerkle"], swiftSettings: strict),
        .target(name: "FogLight", dependencies: ["FogTypes", "FogMerkle"], swiftSettings: strict),
        .target(name: "FogDevice", dependencies: ["FogCore", "FogCrypto", "FogTypes"], swiftSettings: strict),

        // L2 — IO adapters
        .target(
            name: "FogStore",
            dependencies: ["FogCore", "FogCrypto", "FogMerkle", "FogTypes", "FogExecution", "FogConsensus"],
            swiftSettings: strict),
        // C, for `sqlite3_config` (variadic) and the page cache's methods, which SQLite calls
        // for every page a statement touches.
        .target(name: "FogSQLitePageCache", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(
            name: "FogStoreSQLite",
            dependencies: [
                "FogStore", "FogCore", "FogCrypto", "FogMerkle", "FogTypes", "FogExecution", "FogSQLitePageCache",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        .target(
            name: "FogP2P",
            dependencies: [
                "FogWire", "FogCore", "FogCrypto", "FogTypes",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .target(
            name: "FogMQTT",
            dependencies: [
                "FogCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict),
        .target(name: "FogContracts", dependencies: ["FogExecution"], swiftSettings: strict),
        .target(
            name: "FogDeviceKit",
            dependencies: [
                "FogDevice", "FogCore", "FogCrypto", "FogTypes", "FogMQTT",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict),

        // L3 — composition
        .target(
            name: "FogNode",
            dependencies: [
                "FogCore", "FogCrypto", "FogMerkle", "FogTypes", "FogConsensus", "FogMempool", "FogExecution",
                "FogStore", "FogStoreSQLite", "FogLight", "FogP2P",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .target(
            name: "FogAPI",
            dependencies: [
                "FogNode", "FogCore", "FogCrypto", "FogTypes", "FogExecution", "FogStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("openapi.yaml")],
            swiftSettings: strict),
        .target(name: "FogExplorer", dependencies: ["FogAPI"], swiftSettings: strict),
        .target(
            name: "FogGateway",
            dependencies: [
                "FogNode", "FogMQTT", "FogCore", "FogCrypto", "FogTypes", "FogExecution",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .target(
            name: "FogCLICommands",
            dependencies: [
                "FogCore", "FogCrypto", "FogMerkle", "FogTypes", "FogLight", "FogNode", "FogAPI",
                "FogDevice", "FogDeviceKit", "FogGateway",
                "FogConsensus", "FogP2P", "FogStoreSQLite",
                "FogMQTT",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // -O crashes Swift 6.3.1's LLVM coroutine splitting on the commands' async reporting
            // closures (signal 11 "While splitting coroutine"); -Osize compiles them.
            swiftSettings: strict + [.unsafeFlags(["-Osize"], .when(configuration: .release))]),
        .executableTarget(name: "fogledger", dependencies: ["FogCLICommands"], swiftSettings: strict),
        .executableTarget(
            name: "fog-vectors",
            dependencies: ["FogCore", "FogCrypto", "FogMerkle", "FogTypes", "FogTestKit"],
            path: "Sources/fog-vectors",
            swiftSettings: strict),

        .executableTarget(
            name: "fog-store-crash-helper",
            dependencies: ["FogStoreSQLite", "FogStore", "FogExecution", "FogTypes", "FogCore", "FogCrypto", "FogTestKit"],
            path: "Sources/fog-store-crash-helper",
            swiftSettings: strict),

        // Test support
        .target(
            name: "FogSimulation",
            dependencies: ["FogConsensus", "FogExecution", "FogStore", "FogTypes", "FogCrypto", "FogCore"],
            swiftSettings: strict),
        .executableTarget(
            name: "fog-vopr", dependencies: ["FogSimulation"], path: "Sources/fog-vopr", swiftSettings: strict),
        .target(name: "FogTestKit", dependencies: ["FogCore", "FogCrypto", "FogMerkle", "FogTypes"], swiftSettings: strict),
        // What only test targets use: traits over Swift Testing (executables never link it).
        .target(name: "FogTestSupport", swiftSettings: strict),

        // Tests: one target per layer.
        .testTarget(
            name: "FogValuesTests",
            dependencies: ["FogCore", "FogCrypto", "FogMerkle", "FogTypes", "FogTestKit", "FogWire"],
            swiftSettings: strict),
        .testTarget(
            name: "FogMachinesTests",
            dependencies: [
                "FogExecution", "FogLight", "FogTypes", "FogMerkle", "FogCrypto", "FogCore", "FogTestKit", "FogDevice",
                "FogConsensus",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "FogAdaptersTests",
            // "fog-store-crash-helper" so that the crash test's child process is always built with them.
            dependencies: [
                "FogStore", "FogStoreSQLite", "FogExecution", "FogTypes", "FogMerkle", "FogCrypto", "FogCore",
                "FogTestKit", "FogTestSupport", "fog-store-crash-helper", "FogMQTT", "FogDevice", "FogDeviceKit", "FogP2P",
                "FogWire", "FogConsensus", "FogSQLitePageCache",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "FogCompositionTests",
            // "fogledger" so that the dev node the end-to-end test starts is always built with them.
            dependencies: [
                "FogNode", "FogAPI", "FogLight", "FogStore", "FogExecution", "FogTypes", "FogMerkle", "FogCrypto",
                "FogCore", "FogTestKit", "FogTestSupport", "fogledger",
                "FogGateway", "FogMQTT",
                "FogConsensus", "FogP2P", "FogStoreSQLite", "FogWire",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            // The seeded simulation of whole validator networks (test support over L1 and L2).
            name: "FogSimulationTests",
            dependencies: [
                "FogSimulation", "FogConsensus", "FogExecution", "FogStore", "FogTypes", "FogCrypto", "FogCore", "FogTestKit",
            ],
            swiftSettings: strict),
        .testTarget(
            name: "FogCLICommandsTests",
            // "fogledger" so that the executable the end-to-end tests run is always built with them.
            dependencies: [
                "FogCLICommands", "FogCore", "FogCrypto", "FogTypes", "FogTestKit", "FogTestSupport", "fogledger",
            ],
            swiftSettings: strict),
    ]
)
