// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "opensmh",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "smh", targets: ["smh"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // Pure domain: no NIO, no Hummingbird, no SQL.
        .target(
            name: "SMHCore",
            dependencies: [
                "CSMHHashing",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // CRC-64 by carry-less multiplication: no Swift spelling of PCLMULQDQ exists, so this one loop is C.
        .target(name: "CSMHHashing"),
        .target(
            name: "SMHStoreSQL",
            dependencies: [
                "SMHCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                // Its vendored C library (module VaporCSQLite) is what `SQLiteHandle` drives directly.
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SMHBlobLocal",
            dependencies: [
                "SMHCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Blobs in S3-compatible object storage: a small SigV4 client over AsyncHTTPClient.
        .target(
            name: "SMHBlobS3",
            dependencies: [
                "SMHCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Thumbnails and video covers through external engines (libvips, FFmpeg) run as bounded processes.
        .target(
            name: "SMHMedia",
            dependencies: [
                "SMHCore",
                "SMHBlobLocal",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SMHHTTP",
            dependencies: [
                "SMHCore",
                "SMHStoreSQL",
                "SMHBlobLocal",
                "SMHMedia",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "smh",
            dependencies: [
                "SMHCore",
                "SMHStoreSQL",
                "SMHBlobLocal",
                "SMHBlobS3",
                "SMHMedia",
                "SMHHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Test helpers shared by the suites: a fresh SQLite file or PostgreSQL database per test.
        .target(
            name: "SMHTestSupport",
            dependencies: [
                "SMHCore", "SMHStoreSQL", "SMHBlobLocal", "SMHBlobS3", "SMHMedia", "SMHHTTP",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            path: "Tests/SMHTestSupport"
        ),
        .testTarget(name: "SMHCoreTests", dependencies: ["SMHCore"]),
        .testTarget(name: "SMHMediaTests", dependencies: ["SMHCore", "SMHBlobLocal", "SMHMedia"]),
        .testTarget(
            name: "SMHStoreSQLTests",
            dependencies: ["SMHCore", "SMHStoreSQL", "SMHTestSupport"]
        ),
        .testTarget(name: "SMHBlobLocalTests", dependencies: ["SMHCore", "SMHBlobLocal"]),
        .testTarget(
            name: "SMHBlobS3Tests",
            dependencies: [
                "SMHCore", "SMHBlobLocal", "SMHBlobS3", "SMHTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SMHHTTPTests",
            dependencies: [
                "SMHCore", "SMHStoreSQL", "SMHBlobLocal", "SMHBlobS3", "SMHMedia", "SMHHTTP", "SMHTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            // Read from the source tree by path (#filePath), not bundled.
            exclude: ["Fixtures", "Golden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
