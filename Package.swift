// swift-tools-version:6.2
import PackageDescription

// Upcoming features on in every target (see STYLE.md, rule 12).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // MARK: Pure modules (no I/O)

        /// SigV4: canonical request, signing key, signing and verification.
        .target(
            name: "SigV4",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        /// AWSWire: service models, operation routing, query/json/rest-json codecs, error envelopes.
        .target(name: "AWSWire"),
        /// AccessPolicy: the IAM policy language: parse and validate (evaluation follows).
        .target(name: "AccessPolicy"),
        /// QRCode: QR code encoding (byte mode, level M) and PNG rendering, for MFA enrolment.
        .target(name: "QRCode"),

        // MARK: Storage and domain

        /// CSQLite: the system's SQLite library (Debian's libsqlite3-dev).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        /// Storage: the durable store (SQLite, statements prepared once and run in place), migrations, change feed.
        .target(
            name: "Storage",
            dependencies: ["CSQLite", .product(name: "Logging", package: "swift-log")]
        ),
        /// Directory: accounts, credentials, audit trail; the in-memory snapshot the hot path reads.
        .target(
            name: "Directory",
            dependencies: [
                "Storage", "AWSWire", "AccessPolicy", "QRCode", "WebAuthn", "SigV4",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            // AWS's managed policies (scripts/generate-managed-policies.py).
            resources: [.copy("IAM/aws-managed-policies.json")]
        ),

        /// WebAuthn: security keys and passkeys as a relying party: CBOR, COSE keys (ES256, RS256), registration and authentication checks.
        .target(
            name: "WebAuthn",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),

        /// Mail: the messages Gatehouse sends (invitations, password resets), the outbox folder of `.eml` files, and the
        /// SMTP relay that delivers them when one is configured.
        .target(
            name: "Mail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        /// Portal: the web pages, from Mustache templates: the account console (sign-in, MFA, credentials,
        /// administration) and the access portal's sign-in pages (`/authorize`, `/device`).
        .target(
            name: "Portal",
            dependencies: [
                "Directory", "AWSWire", "QRCode", "Mail", "WebAuthn",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Templates"), .copy("Scripts")]
        ),

        // MARK: Composition

        /// Authorization: who may call what. The authorizer (each request's resources from the Service Authorization
        /// Reference, its condition keys, the policies of every layer, the decision) and the policy simulator over it.
        .target(
            name: "Authorization",
            dependencies: ["AWSWire", "AccessPolicy", "Directory"]
        ),
        /// GatehouseServer: the Hummingbird application, request pipeline, services and configuration.
        .target(
            name: "GatehouseServer",
            dependencies: [
                "SigV4", "AWSWire", "Directory", "Authorization", "Storage", "Portal", "Mail",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// gatehouse: the command-line tool (serve, account, identity-center, login, policy, audit).
        .executableTarget(
            name: "gatehouse",
            dependencies: [
                "GatehouseServer", "Directory", "Storage", "AccessPolicy", "Authorization", "AWSWire", "Mail",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Tests

        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"], resources: [.copy("Vectors")]),
        .testTarget(name: "AWSWireTests", dependencies: ["AWSWire"]),
        .testTarget(
            name: "AccessPolicyTests",
            dependencies: ["AccessPolicy", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "QRCodeTests", dependencies: ["QRCode"]),
        .testTarget(name: "MailTests", dependencies: ["Mail"]),
        .testTarget(
            name: "WebAuthnTests",
            dependencies: ["WebAuthn", .product(name: "Crypto", package: "swift-crypto"), .product(name: "CryptoExtras", package: "swift-crypto")]),
        .testTarget(
            name: "PortalTests", dependencies: ["Portal", "Directory", .product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "CSQLite", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "DirectoryTests",
            dependencies: [
                "Directory", "Storage", "AWSWire", "AccessPolicy",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "GatehouseServerTests",
            dependencies: [
                "GatehouseServer", "Authorization", "SigV4", "Directory", "Storage",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}

// MARK: Benchmarks (only when asked for: `make bench` sets GATEHOUSE_BENCHMARKS, so builds and tests never compile them)

if Context.environment["GATEHOUSE_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]))
    package.targets.append(
        .executableTarget(
            name: "PolicyBenchmarks",
            dependencies: ["AccessPolicy", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/PolicyBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ))
    // The load generator of the server benchmarks against moto (scripts/bench-servers.py).
    package.targets.append(
        .executableTarget(
            name: "gatehouse-load",
            dependencies: [
                "SigV4",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/LoadGenerator"
        ))
}

// MARK: Fuzzing (only when asked for: scripts/fuzz.sh sets GATEHOUSE_FUZZ and builds with -sanitize=fuzzer,address)

if Context.environment["GATEHOUSE_FUZZ"] != nil {
    package.targets.append(
        .executableTarget(
            name: "gatehouse-fuzz",
            dependencies: ["SigV4", "AWSWire", "AccessPolicy", "WebAuthn"],
            path: "Fuzz/GatehouseFuzz"
        ))
}
