// swift-tools-version:6.0
// nnsh — a neural-network shell. One target per layer; dependencies point one way:
//   nnsh (executable) -> DigitPad, Shell;  DigitPad -> Shell, FlyingFox;
//   Shell -> ModelFiles, Engine, Data, Plots;  ModelFiles -> Engine;
//   Data -> ModelFiles, Engine;  Plots -> zlib (PNG pictures);  Engine -> CBLAS.
import PackageDescription
#if os(Linux) && arch(x86_64)
import Foundation
#endif

/// Engine's and Data's hot loops (the optimiser's update, activations, turning bytes into
/// inputs) are written on SIMD8 vectors. Built for the x86-64 baseline (SSE2) each vector
/// operation runs as two 4-lane halves; when the building machine has AVX2 (Intel Haswell, AMD
/// Zen and later), these two targets are built for it (`-target-cpu haswell`): one 8-lane
/// instruction each, and Adam's update about twice as fast. Swift does not fuse a multiply and
/// an add unless asked, so the results are the same bits. A binary built this way needs AVX2;
/// `NNSH_PORTABLE=1 swift build …` builds one for any x86-64 (docs/PERFORMANCE.md).
let hotLoopSettings: [SwiftSetting] = {
    #if os(Linux) && arch(x86_64)
    guard ProcessInfo.processInfo.environment["NNSH_PORTABLE"] == nil,
          let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    let flags = Set(line.split(separator: " ").map(String.init))
    let haswell: Set = ["avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm"]
    return haswell.isSubset(of: flags) ? [.unsafeFlags(["-target-cpu", "haswell"])] : []
    #else
    return []
    #endif
}()

let package = Package(
    name: "nnsh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nnsh", targets: ["nnsh"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The digit pad's HTTP server (`serve`): no dependencies of its own; why this one: docs/SERVE.md.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
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
        .target(name: "Engine", dependencies: ["CBLAS", "CZlib"], swiftSettings: hotLoopSettings),
        // File formats: nnsh's model files, safetensors, NumPy's npy/npz, JSON, atomic writes (docs/FORMAT.md).
        .target(name: "ModelFiles", dependencies: ["Engine", "CZlib"]),
        .target(name: "Data", dependencies: ["Engine", "ModelFiles", "CZlib"], swiftSettings: hotLoopSettings),
        .target(name: "Plots", dependencies: ["CZlib"]),
        .target(name: "Shell", dependencies: ["Engine", "ModelFiles", "Data", "Plots"]),
        // The web server behind `serve` (declared in Shell, installed by the executable), so the
        // HTTP library reaches no other library.
        .target(name: "DigitPad", dependencies: [
            "Shell", "Data",
            .product(name: "FlyingFox", package: "FlyingFox"),
        ]),

        // MARK: - The executable
        .executableTarget(
            name: "nnsh",
            dependencies: [
                "Shell", "DigitPad", "Engine", "ModelFiles", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // MARK: - Tests: one target per library, plus end-to-end tests of the executable
        // Test support (C): counts the heap allocations of chosen threads (TrainingAllocationTests).
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        // Test support (Swift): helpers EngineTests and ModelFilesTests share.
        .target(name: "EngineTestSupport", dependencies: ["Engine"], path: "Tests/EngineTestSupport"),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "EngineTestSupport", "AllocationCounter"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "Engine", "EngineTestSupport"]),
        .testTarget(name: "DataTests", dependencies: ["Data", "Engine", "ModelFiles", "Plots", "AllocationCounter"]),
        .testTarget(name: "PlotsTests", dependencies: ["Plots", "CZlib"]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "Engine", "ModelFiles", "Data"], exclude: ["scripts"]),
        .testTarget(name: "DigitPadTests", dependencies: ["DigitPad", "Shell", "Data"]),
        .testTarget(name: "nnshTests", dependencies: ["nnsh"]),
    ]
)
