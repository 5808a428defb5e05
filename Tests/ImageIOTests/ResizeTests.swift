import Foundation
import ImageIO
import XCTest

final class ResizeTests: XCTestCase {
    private func checkerboard(width: Int, height: Int) -> Image {
        var image = Image(width: width, height: height, filledWith: .black)
        for y in 0..<height { for x in 0..<width where (x + y) % 2 == 0 { image[x: x, y: y] = .white } }
        return image
    }

    func testConstantImageStaysConstant() {
        let colour = RGBColor(red: 255, green: 7, blue: 130)
        let image = Image(width: 37, height: 23, filledWith: colour)
        for (width, height) in [(5, 3), (36, 22), (100, 61), (37, 7), (1, 1), (74, 23), (11, 40)] {
            for filter in [ResizeFilter.antialiased, .bilinear] {
                let resized = image.resized(width: width, height: height, filter: filter)
                XCTAssertEqual(resized, Image(width: width, height: height, filledWith: colour), "\(width)x\(height) \(filter)")
            }
        }
    }

    func testShrinkingACheckerboardByTwoGivesTheMeanGrey() {
        let resized = checkerboard(width: 16, height: 12).resized(width: 8, height: 6)
        // The mean of 0 and 255 is 127.5, rounded half up.
        XCTAssertTrue(resized.pixels.allSatisfy { $0 == 128 }, "\(Set(resized.pixels))")
        // Non-integer factor s = 90/31: a box of width s over alternating pixels has mean 1/2 + m_x m_y / 2 with
        // |m| <= 1/s, so every output is within 255 / (2 s^2) ~ 15 levels of the mean grey.
        let odd = checkerboard(width: 90, height: 90).resized(width: 31, height: 31)
        XCTAssertTrue(odd.pixels.allSatisfy { abs(Int($0) - 128) <= 16 }, "\(Set(odd.pixels))")
        // Without antialiasing a checkerboard shrunk by 2 samples between pixels: also grey; by 3 it aliases.
        let aliased = checkerboard(width: 30, height: 30).resized(width: 10, height: 10, filter: .bilinear)
        XCTAssertTrue(aliased.pixels.contains { $0 < 50 || $0 > 200 })
    }

    func testIntegerShrinkAveragesBlocks() {
        var pixels = [UInt8]()
        for value in 0..<(4 * 4) { pixels += [UInt8(value * 10), UInt8(value), 0] }
        let image = Image(width: 4, height: 4, pixels: pixels)
        let small = image.resized(width: 2, height: 2)
        // Top-left block holds values 0, 1, 4, 5 (x10): mean 25 -> 2.5 for the green channel rounds half up to 3.
        XCTAssertEqual(small[x: 0, y: 0], RGBColor(red: 25, green: 3, blue: 0))
        XCTAssertEqual(small[x: 1, y: 1], RGBColor(red: 125, green: 13, blue: 0))
    }

    func testOutputSizes() {
        let image = gradientImage(width: 60, height: 40)
        XCTAssertEqual(image.resized(width: 7, height: 90).width, 7)
        XCTAssertEqual(image.resized(width: 7, height: 90).height, 90)
        let fill = image.resizedToFill(side: 32)
        XCTAssertEqual([fill.width, fill.height], [32, 32])
        let tall = gradientImage(width: 30, height: 100).resizedToFill(side: 16)
        XCTAssertEqual([tall.width, tall.height], [16, 16])
        let squash = image.squashed(to: 24)
        XCTAssertEqual([squash.width, squash.height], [24, 24])
        XCTAssertEqual(image.resized(width: 60, height: 40), image)
        let crop = image.centerCropped(width: 20, height: 10)
        XCTAssertEqual([crop.width, crop.height], [20, 10])
        XCTAssertEqual(crop[x: 0, y: 0], image[x: 20, y: 15])
        XCTAssertEqual(image.cropped(x: 59, y: 39, width: 1, height: 1)[x: 0, y: 0], image[x: 59, y: 39])
    }

    func testFillKeepsTheCentreAndAspect() {
        // A 40x20 image whose left and right quarters are red and the middle half is blue: filling a
        // 10x10 square keeps only the middle (resize to 20x10, crop x 5..<15).
        var image = Image(width: 40, height: 20, filledWith: RGBColor(red: 255, green: 0, blue: 0))
        for y in 0..<20 { for x in 10..<30 { image[x: x, y: y] = RGBColor(red: 0, green: 0, blue: 255) } }
        let square = image.resizedToFill(side: 10)
        XCTAssertTrue((0..<10).allSatisfy { x in square[x: x, y: 5] == RGBColor(red: 0, green: 0, blue: 255) })
        let squashed = image.squashed(to: 10)
        XCTAssertEqual(squashed[x: 0, y: 5].red, 255)
    }

    func testEnlargingIsBilinear() {
        // 2 pixels -> 4: centres at -0.25, 0.25, 0.75, 1.25 -> clamped 0, 0.25, 0.75, 1.
        let image = Image(width: 2, height: 1, pixels: [0, 0, 0, 200, 100, 40])
        let large = image.resized(width: 4, height: 1)
        XCTAssertEqual(large.pixels, [0, 0, 0, 50, 25, 10, 150, 75, 30, 200, 100, 40])
    }

    func testResizeMatchesTheNumpyAndTorchReference() throws {
        struct Cases: Decodable {
            struct Case: Decodable { let width: Int; let height: Int; let tolerance: Int; let rgb_base64: String }
            let source: String
            let cases: [Case]
        }
        let cases = try ImageFixtures.json("codec/resize_cases.json", as: Cases.self)
        let source = try Image(contentsOf: ImageFixtures.path(cases.source))
        for item in cases.cases {
            assertPixels(source.resized(width: item.width, height: item.height), width: item.width, height: item.height,
                         expected: [UInt8](Data(base64Encoded: item.rgb_base64)!), tolerance: item.tolerance,
                         "resize to \(item.width)x\(item.height)")
        }
    }
}
