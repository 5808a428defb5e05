import ImageIO
import XCTest

final class SquareLoadingTests: XCTestCase {
    func testDecodeSquareMakesModelInputs() throws {
        let decoder = ImageDecoder()
        let path = ImageFixtures.path("codec/jpeg_baseline_444.jpg") // 41 x 30
        for mode in SquareMode.allCases {
            for side in [8, 16, 30, 64] {
                let square = try decoder.decodeSquare(contentsOf: path, side: side, mode: mode)
                XCTAssertEqual([square.width, square.height], [side, side], "\(mode) \(side)")
            }
        }
        // Without DCT scaling the result is exactly the full decode, squashed.
        let exact = try decoder.decodeSquare(contentsOf: path, side: 10, fastDownscaling: false)
        XCTAssertEqual(exact, try decoder.decode(contentsOf: path).squashed(to: 10))
        // With it, close to that.
        let fast = try decoder.decodeSquare(contentsOf: path, side: 10)
        let mean = Double(zip(fast.pixels, exact.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +)) / Double(exact.pixels.count)
        XCTAssertLessThan(mean, 6)
        XCTAssertThrowsError(try decoder.decodeSquare(contentsOf: ImageFixtures.path("broken/empty.png"), side: 8))
    }

    func testBenchmarkCountsImagesAndFailures() {
        let paths = ["codec/jpeg_gray.jpg", "codec/png_rgba16.png", "broken/text_named.png"].map(ImageFixtures.path)
        let result = DecodeResizeBenchmark.run(paths: paths, side: 8, repetitions: 2)
        XCTAssertEqual(result.images, 4)
        XCTAssertEqual(result.failures, 2)
        XCTAssertGreaterThan(result.seconds, 0)
        XCTAssertTrue(result.description.contains("4 images in"), result.description)
    }
}
