import ImageIO
import XCTest

final class ImageTests: XCTestCase {
    func testImageHoldsThreeBytesAPixel() {
        let image = Image(width: 2, height: 1, pixels: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(image.pixels.count, 6)
        XCTAssertEqual(image[x: 1, y: 0], RGBColor(red: 4, green: 5, blue: 6))
    }

    func testFilledImageAndPixelSubscript() {
        var image = Image(width: 3, height: 2, filledWith: RGBColor(red: 9, green: 8, blue: 7))
        XCTAssertEqual(image.pixels, [UInt8](repeating: 0, count: 0) + Array(repeating: [9, 8, 7], count: 6).flatMap { $0 })
        image[x: 2, y: 1] = .white
        XCTAssertEqual(Array(image.pixels[15..<18]), [255, 255, 255])
    }

    func testFormatDetectionUsesBytesAndWritingUsesExtension() {
        XCTAssertEqual(ImageFormat.detect(bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]), .png)
        XCTAssertEqual(ImageFormat.detect(bytes: [0xFF, 0xD8, 0xFF, 0xE0]), .jpeg)
        XCTAssertNil(ImageFormat.detect(bytes: Array("hello".utf8)))
        XCTAssertNil(ImageFormat.detect(bytes: []))
        XCTAssertEqual(ImageFormat.forWriting(path: "a/b.PNG"), .png)
        XCTAssertEqual(ImageFormat.forWriting(path: "b.jpeg"), .jpeg)
        XCTAssertEqual(ImageFormat.forWriting(path: "b.JPG"), .jpeg)
        XCTAssertNil(ImageFormat.forWriting(path: "dir.png/file"))
        XCTAssertNil(ImageFormat.forWriting(path: "file.gif"))
    }
}
