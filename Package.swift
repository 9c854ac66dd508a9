// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "parquet-publisher",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "parquet-publisher", targets: ["parquet-publisher"]),
        .library(name: "Parquet", targets: ["Parquet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries: one module map and one shim header each; only the matching
        // Swift module calls into them.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),

        // The system calls and file primitives (one file of thin wrappers, FileSystemError,
        // atomic replace), the monotonic clock and civil time (day numbers, ISO-8601 text) that
        // every module above shares.
        .target(name: "SystemSupport"),
        // Pure Swift Parquet: Thrift compact protocol, encodings, writer and reader (ZSTD and
        // the page CRC-32 from their C libraries).
        .target(name: "Parquet", dependencies: ["CZstd", "CZlib", "SystemSupport"]),
        // MariaDB Connector/C wrapper streaming rows into Parquet column buffers.
        .target(
            name: "MySQLSource",
            dependencies: ["CMariaDB", "Parquet", "SystemSupport", .product(name: "Logging", package: "swift-log")]
        ),
        // Datasets, configuration, partitioning, index.json, atomic publish, state.
        .target(
            name: "Publishing",
            dependencies: [
                "Parquet", "MySQLSource", "SystemSupport", "CXXHash",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // Aggregates computed from the published files of a dataset, kept current incrementally.
        .target(
            name: "Rollups",
            dependencies: ["Parquet", "Publishing", "SystemSupport", .product(name: "Logging", package: "swift-log")]
        ),
        // Carrying each published version to targets (object storage, a frontend repository,
        // a web host) by the user's command, in an order no reader can catch half-done.
        .target(
            name: "Delivery",
            dependencies: ["Publishing", "SystemSupport", .product(name: "Logging", package: "swift-log")]
        ),
        // sd_notify, watchdog and the journald LogHandler.
        .target(
            name: "Systemd",
            dependencies: ["CSystemd", "SystemSupport", .product(name: "Logging", package: "swift-log")]
        ),
        // Per-dataset timers, signals, reload, status.
        .target(
            name: "Daemon",
            dependencies: [
                "Publishing", "Rollups", "Delivery", "Systemd", "SystemSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "parquet-publisher",
            dependencies: [
                "Parquet", "MySQLSource", "Publishing", "Rollups", "Delivery", "Systemd", "Daemon", "SystemSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .target(
            name: "TestSupport",
            dependencies: ["Parquet", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport",
            exclude: [
                "read_parquet.py", "write_parquet_fixture.py", "viewer_browser.py", "viewer_expectations.py",
            ]
        ),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MySQLSourceTests", dependencies: ["MySQLSource", "TestSupport"]),
        .testTarget(name: "SystemSupportTests", dependencies: ["SystemSupport", "TestSupport"]),
        .testTarget(name: "PublishingTests", dependencies: ["Publishing", "TestSupport"]),
        .testTarget(
            name: "RollupsTests",
            dependencies: ["Rollups", "Publishing", "Parquet", "SystemSupport", "TestSupport"]
        ),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd", "Daemon", "SystemSupport", "TestSupport"]),
        .testTarget(name: "DeliveryTests", dependencies: ["Delivery", "Publishing", "TestSupport"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["Publishing", "MySQLSource", "Parquet", "Rollups", "TestSupport", "Delivery"],
            exclude: ["Support/s3_target.py"]
        ),
    ]
)

// Strict settings for every target, the way swift-log applies them. No unsafe flags, so that
// another package can depend on the Parquet library: the one loop where dynamic exclusivity
// checks cost (the dictionaries' lookups) opts out with @exclusivity(unchecked) on its own
// properties (Parquet/Encoding/DictionaryBuilder.swift).
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    // A file uses the members of a module it imports itself, not one another file imported.
    // (Tests lean on TestSupport's names through their target's helpers; they are left out.)
    if target.type != .test && target.name != "TestSupport" {
        settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    }
    target.swiftSettings = settings
}
