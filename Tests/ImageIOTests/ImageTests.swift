import ImageIO
import XCTest

final class ImageTests: XCTestCase {
    func testImageHoldsThreeBytesAPixel() {
        let image = Image(width: 2, height: 1, pixels: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(image.pixels.count, 6)
    }
}
