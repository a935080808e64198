// swift-tools-version:6.1
import PackageDescription

// The project's own targets compile for AVX2/FMA; baseline x86-64 turns SIMD FMA into libm calls.
let cpuFlags: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"]),
]

let package = Package(
    name: "fastbert-stream",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fastbert", targets: ["fastbert"]),
        .library(name: "FastBERT", targets: ["FastBERT"]),
        .library(name: "Jobs", targets: ["Jobs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/ordo-one/malloc-interposer", from: "1.6.1"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .target(name: "Tokenizers", swiftSettings: cpuFlags),
        // The engine: tensors, kernels, weights, model, layers, early exit, training math. No
        // tokenizer, no printing, no data files.
        .target(name: "FastBERT", dependencies: ["CBLAS"], swiftSettings: cpuFlags),
        // Above the engine: the model bundle (model + tokenizer + limits + threads), data readers,
        // progress and status output, reports, and the train / distill / eval jobs.
        .target(name: "Jobs", dependencies: ["FastBERT", "Tokenizers"], swiftSettings: cpuFlags),
        .target(
            name: "Kafka",
            dependencies: ["CRdKafka", .product(name: "Logging", package: "swift-log")],
            swiftSettings: cpuFlags
        ),
        .target(
            name: "Pipeline",
            dependencies: [
                "FastBERT", "Jobs", "Kafka", "Tokenizers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: cpuFlags
        ),
        .executableTarget(
            name: "fastbert",
            dependencies: [
                "FastBERT", "Jobs", "Pipeline", "Kafka", "Tokenizers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: cpuFlags
        ),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "Jobs"]),
        // The malloc interposer replaces malloc and free in the whole test binary; it counts only
        // between hook() and unhook() (EngineAllocationTests).
        .testTarget(
            name: "FastBERTTests",
            dependencies: ["FastBERT", .product(name: "MallocInterposerSwift", package: "malloc-interposer")]),
        .testTarget(name: "JobsTests", dependencies: ["Jobs", "FastBERT", "Tokenizers"]),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: [
                "Pipeline", "Kafka", "FastBERT", "Jobs", "Tokenizers", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
    ]
)
