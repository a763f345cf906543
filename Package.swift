// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "kasparro-etl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "host", targets: ["Host"]),
        // The contracts, the engine, pipeline files and the plugin registry.
        .library(name: "ETLFramework", targets: ["ETLFramework"]),
        // The whole host command (run, serve, validate, test, ...) for a program with its own plugins.
        .library(name: "ETLHost", targets: ["ETLHost"]),
        // The suites a source, a transform or a store must pass.
        .library(name: "ETLTesting", targets: ["ETLTesting"]),
        // The standard plugins, all together and one module each.
        .library(name: "StandardPlugins", targets: ["StandardPlugins"]),
        .library(name: "CSVFileAdapter", targets: ["CSVFileAdapter"]),
        .library(name: "CoinPaprikaAdapter", targets: ["CoinPaprikaAdapter"]),
        .library(name: "CoinGeckoAdapter", targets: ["CoinGeckoAdapter"]),
        .library(name: "HTTPJSONAdapter", targets: ["HTTPJSONAdapter"]),
        .library(name: "HTTPSourceKit", targets: ["HTTPSourceKit"]),
        .library(name: "StandardTransforms", targets: ["StandardTransforms"]),
        .library(name: "ETLPostgresStore", targets: ["ETLPostgresStore"]),
        .library(name: "ETLSQLiteStore", targets: ["ETLSQLiteStore"]),
        // Spans exported over OTLP/HTTP, for a program that runs pipelines itself.
        .library(name: "ETLTelemetry", targets: ["ETLTelemetry"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        // `swift package generate-documentation`: the DocC articles of ETLFramework.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Tests only: validates the checked-in API document.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
    ],
    targets: [
        .target(
            name: "ETLFramework",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ETLTelemetry",
            dependencies: [
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Sources/Telemetry",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StandardTransforms",
            dependencies: ["ETLFramework", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Transforms",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CSVFileAdapter",
            dependencies: ["ETLFramework"],
            path: "Sources/Adapters/CSVFile",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HTTPSourceKit",
            dependencies: [
                "ETLFramework", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Sources/Adapters/HTTPSourceKit",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CoinPaprikaAdapter",
            dependencies: ["ETLFramework", "HTTPSourceKit"],
            path: "Sources/Adapters/CoinPaprika",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CoinGeckoAdapter",
            dependencies: ["ETLFramework", "HTTPSourceKit"],
            path: "Sources/Adapters/CoinGecko",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HTTPJSONAdapter",
            dependencies: ["ETLFramework", "HTTPSourceKit"],
            path: "Sources/Adapters/HTTPJSON",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ETLPostgresStore",
            dependencies: [
                "ETLFramework",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Its pool's errors (a tripped circuit breaker means the database is unreachable).
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Sources/Stores/Postgres",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ETLSQLiteStore",
            dependencies: [
                "ETLFramework", .product(name: "SQLiteNIO", package: "sqlite-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/Stores/SQLite",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "StandardPlugins",
            dependencies: [
                "ETLFramework", "StandardTransforms", "CSVFileAdapter", "CoinPaprikaAdapter", "CoinGeckoAdapter",
                "HTTPJSONAdapter", "ETLPostgresStore", "ETLSQLiteStore",
            ],
            path: "Sources/Plugins",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HostSupport",
            dependencies: [
                "ETLFramework",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Server",
            dependencies: [
                "ETLFramework", "HostSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            resources: [.copy("Resources/openapi.json"), .copy("Resources/docs.html"), .copy("Resources/templates")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ETLHost",
            dependencies: [
                "ETLFramework", "Server", "HostSupport", "ETLTelemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "Host", dependencies: ["ETLHost", "StandardPlugins"], swiftSettings: swiftSettings),
        .target(
            name: "ETLTesting",
            dependencies: ["ETLFramework", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "ETLFramework",
                "ETLPostgresStore",
                "ETLSQLiteStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ETLFrameworkTests", dependencies: ["ETLFramework"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TelemetryTests",
            dependencies: ["ETLTelemetry", .product(name: "Tracing", package: "swift-distributed-tracing")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "TransformTests",
            dependencies: ["StandardTransforms", "ETLFramework", "ETLTesting", "StandardPlugins", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CSVFileTests", dependencies: ["CSVFileAdapter", "ETLFramework", "ETLTesting", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ETLTestingTests", dependencies: ["ETLTesting", "ETLFramework", "ETLSQLiteStore", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PostgresStoreTests",
            dependencies: ["ETLPostgresStore", "ETLFramework", "CSVFileAdapter", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreConformanceTests",
            dependencies: [
                "ETLFramework", "ETLTesting", "CSVFileAdapter", "StandardPlugins", "ETLPostgresStore", "ETLSQLiteStore", "TestSupport",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdapterTests",
            dependencies: [
                "Server", "StandardPlugins", "TestSupport", "ETLFramework", "ETLTesting", "HTTPSourceKit", "ETLPostgresStore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP layer in process: no host process, no database.
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "HostSupport", "StandardPlugins", "TestSupport", "ETLFramework",
                .product(name: "OpenAPIKit30", package: "OpenAPIKit"),
            ],
            swiftSettings: swiftSettings
        ),
        // The host command as a library: the catalog of components, `host adapters` and `host docs`.
        .testTarget(
            name: "ETLHostTests", dependencies: ["ETLHost", "StandardPlugins", "ETLFramework", "TestSupport"], swiftSettings: swiftSettings),
        // The system tests: host processes, PostgreSQL, Chromium.
        .testTarget(
            name: "HostTests",
            dependencies: [
                "Server", "HostSupport", "StandardPlugins", "TestSupport", "ETLFramework", "ETLPostgresStore", "ETLSQLiteStore", "CSVFileAdapter",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "OpenAPIKit30", package: "OpenAPIKit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
