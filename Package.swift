// swift-tools-version:6.0
import PackageDescription

// The element-wise kernels are written with SIMD types; on x86-64 let them use AVX2 and FMA
// (every x86-64 server CPU since 2013). The modules that inline them (their `@inlinable` math,
// the recurrent and attention steppers) take the same setting, or the vectors they inline are
// compiled for SSE2. OpenBLAS picks its own kernels at run time.
#if arch(x86_64)
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let kernelSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "Glimpse",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "glimpse", targets: ["glimpse"]),
        .executable(name: "glimpse-bench", targets: ["glimpse-bench"]),
        .library(name: "NN", targets: ["NN"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "CStream"),
        .target(name: "CWideProducts"),
        .target(name: "Kernels", dependencies: ["CBLAS", "CStream", "CWideProducts"], swiftSettings: kernelSettings),
        .target(name: "Autograd", dependencies: ["Kernels"], swiftSettings: kernelSettings),
        .target(name: "FileOutput"),
        .target(name: "NN", dependencies: ["Autograd", "Kernels", "FileOutput"], swiftSettings: kernelSettings),
        .target(
            name: "CImageCodecs",
            linkerSettings: [.linkedLibrary("png"), .linkedLibrary("jpeg")]
        ),
        .target(name: "ImageIO", dependencies: ["CImageCodecs", "FileOutput"], swiftSettings: kernelSettings),
        .target(name: "LanguageModeling", dependencies: ["NN", "FileOutput", "ImageIO"], swiftSettings: kernelSettings),
        .target(name: "Captioning", dependencies: ["NN", "ImageIO", "FileOutput", "CaptionMetrics", "Synth"], swiftSettings: kernelSettings),
        .target(name: "CaptionMetrics"),
        .target(name: "Synth", dependencies: ["ImageIO", "FileOutput"]),
        .executableTarget(
            name: "glimpse",
            dependencies: ["NN", "LanguageModeling", "Captioning", "CaptionMetrics", "Synth", "ImageIO", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "glimpse-bench",
            dependencies: ["NN", "Kernels", "CBLAS", "ImageIO", "Captioning", "LanguageModeling"]
        ),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "CWideProducts"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        .testTarget(name: "NNTests", dependencies: ["NN"]),
        .testTarget(name: "LanguageModelingTests", dependencies: ["LanguageModeling"]),
        .testTarget(name: "CaptioningTests", dependencies: ["Captioning", "Synth", "ImageIO"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "FileOutput"]),
        .testTarget(name: "CaptionMetricsTests", dependencies: ["CaptionMetrics"]),
        .testTarget(name: "GlimpseCLITests", dependencies: []),
        .testTarget(name: "SynthTests", dependencies: ["Synth", "ImageIO"]),
    ],
    swiftLanguageModes: [.v6]
)
