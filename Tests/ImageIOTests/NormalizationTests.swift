import ImageIO
import XCTest

final class NormalizationTests: XCTestCase {
    func testCHWLayoutAndFormula() {
        let image = Image(width: 2, height: 2, pixels: [0, 128, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90])
        let normalization = ChannelNormalization.imageNet
        let values = image.normalizedCHW(normalization)
        XCTAssertEqual(values.count, 3 * 2 * 2)
        for channel in 0..<3 {
            for index in 0..<4 {
                let byte = Float(image.pixels[index * 3 + channel])
                let expected = (byte / 255 - normalization.mean[channel]) / normalization.standardDeviation[channel]
                XCTAssertEqual(values[channel * 4 + index], expected, accuracy: 1e-6)
            }
        }
        XCTAssertEqual(values[0], (0 - 0.485) / 0.229, accuracy: 1e-6)
        XCTAssertEqual(values[4], (128.0 / 255 - 0.456) / 0.224, accuracy: 1e-6)
        XCTAssertEqual(values[8], (1 - 0.406) / 0.225, accuracy: 1e-6)
    }

    func testUnitRangeAndBatchSlices() {
        let image = gradientImage(width: 5, height: 3)
        let unit = image.normalizedCHW(.unitRange)
        XCTAssertEqual(unit[0], Float(image.pixels[0]) / 255, accuracy: 1e-7)
        XCTAssertTrue(unit.allSatisfy { $0 >= 0 && $0 <= 1 })
        var batch = [Float](repeating: -1, count: 2 * 45)
        batch.withUnsafeMutableBufferPointer { buffer in
            image.writeNormalizedCHW(into: UnsafeMutableBufferPointer(rebasing: buffer[45..<90]), normalization: .unitRange)
        }
        XCTAssertTrue(batch[0..<45].allSatisfy { $0 == -1 })
        XCTAssertEqual(Array(batch[45..<90]), unit)
    }
}
