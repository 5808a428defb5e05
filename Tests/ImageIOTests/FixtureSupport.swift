import Foundation
import ImageIO
import XCTest

/// Locates the committed fixtures in `Tests/Fixtures/images` and the shared photographs in `../shared/data`.
enum ImageFixtures {
    /// `Tests/Fixtures/images`, found from this source file's location.
    static let folder: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/images").path

    /// The package root (two levels above `Tests/ImageIOTests`).
    static let packageRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `../shared/data` relative to the package root.
    static let sharedData: String = URL(fileURLWithPath: packageRoot)
        .deletingLastPathComponent().appendingPathComponent("shared/data").path

    /// The full path of a fixture, `relative` to `Tests/Fixtures/images`.
    static func path(_ relative: String) -> String { folder + "/" + relative }

    /// The bytes of a fixture file.
    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    /// A decoded JSON fixture.
    static func json<T: Decodable>(_ relative: String, as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    /// `codec/manifest.json`.
    struct Manifest: Decodable {
        struct Entry: Decodable {
            let file: String
            let format: String
            let width: Int
            let height: Int
            let tolerance: Int
            let interlaced: Bool?
            let progressive: Bool?
            let bit_depth: Int?
            let rgb_base64: String
            var rgb: [UInt8] { [UInt8](Data(base64Encoded: rgb_base64)!) }
        }
        let images: [Entry]
    }

    /// A fresh empty temporary folder, removed when the test ends.
    static func temporaryFolder(for test: XCTestCase) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-imageio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }
}

/// Fails unless `image` is `width x height` and every byte is within `tolerance` of `expected`;
/// reports the worst pixel.
func assertPixels(_ image: Image, width: Int, height: Int, expected: [UInt8], tolerance: Int, _ label: String,
                  file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(image.width, width, "\(label): width", file: file, line: line)
    XCTAssertEqual(image.height, height, "\(label): height", file: file, line: line)
    guard image.pixels.count == expected.count else {
        XCTFail("\(label): \(image.pixels.count) bytes, expected \(expected.count)", file: file, line: line)
        return
    }
    var worst = 0, worstIndex = 0
    for index in 0..<expected.count {
        let difference = abs(Int(image.pixels[index]) - Int(expected[index]))
        if difference > worst { worst = difference; worstIndex = index }
    }
    let pixel = worstIndex / 3
    XCTAssertLessThanOrEqual(worst, tolerance,
                             "\(label): pixel (\(pixel % max(width, 1)), \(pixel / max(width, 1))) channel \(worstIndex % 3) is \(image.pixels[worstIndex]), expected \(expected[worstIndex])",
                             file: file, line: line)
}

/// A deterministic image for round trips: smooth gradients plus a hard-edged square.
func gradientImage(width: Int, height: Int) -> Image {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            let offset = (y * width + x) * 3
            pixels[offset] = UInt8(x * 255 / max(width - 1, 1))
            pixels[offset + 1] = UInt8(y * 255 / max(height - 1, 1))
            pixels[offset + 2] = UInt8((x + y) * 255 / max(width + height - 2, 1))
            if x > width / 4 && x < width / 2 && y > height / 4 && y < height / 2 {
                pixels[offset] = 250; pixels[offset + 1] = 20; pixels[offset + 2] = 30
            }
        }
    }
    return Image(width: width, height: height, pixels: pixels)
}
