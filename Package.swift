// swift-tools-version:6.0
// nnsh — a neural-network shell. One target per layer; dependencies point one way:
//   nnsh (executable) -> Shell -> Engine, Data, Plots;  Data -> Engine;  Engine -> CBLAS.
import PackageDescription

let package = Package(
    name: "nnsh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nnsh", targets: ["nnsh"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - System libraries (C)
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CEditLine", path: "Sources/CEditLine",
            providers: [.apt(["libedit-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib",
            providers: [.apt(["zlib1g-dev"])]),

        // MARK: - Libraries, bottom up
        .target(name: "Engine", dependencies: ["CBLAS", "CZlib"]),
        .target(name: "Data", dependencies: ["Engine", "CZlib"]),
        .target(name: "Plots", dependencies: []),
        .target(name: "Shell", dependencies: ["Engine", "Data", "Plots"]),

        // MARK: - The executable
        .executableTarget(
            name: "nnsh",
            dependencies: [
                "Shell", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: - Tests: one target per library, plus end-to-end tests of the executable
        // Test support (C): counts the heap allocations of chosen threads (TrainingAllocationTests).
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "AllocationCounter"]),
        .testTarget(name: "DataTests", dependencies: ["Data", "Engine", "AllocationCounter"]),
        .testTarget(name: "PlotsTests", dependencies: ["Plots"]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "Engine", "Data"], exclude: ["scripts"]),
        .testTarget(name: "nnshTests", dependencies: ["nnsh"]),
    ]
)
