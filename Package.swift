// swift-tools-version:6.0
import PackageDescription

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
        .target(name: "Kernels", dependencies: ["CBLAS"]),
        .target(name: "Autograd", dependencies: ["Kernels"]),
        .target(name: "NN", dependencies: ["Autograd", "Kernels"]),
        .target(
            name: "CImageCodecs",
            linkerSettings: [.linkedLibrary("png"), .linkedLibrary("jpeg")]
        ),
        .target(name: "ImageIO", dependencies: ["CImageCodecs"]),
        .executableTarget(
            name: "glimpse",
            dependencies: ["NN", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "glimpse-bench",
            dependencies: ["NN", "Kernels", "CBLAS"]
        ),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        .testTarget(name: "NNTests", dependencies: ["NN"]),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO"]),
    ],
    swiftLanguageModes: [.v6]
)
