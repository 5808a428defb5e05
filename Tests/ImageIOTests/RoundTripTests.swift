import Foundation
import FileOutput
import ImageIO
import XCTest

final class RoundTripTests: XCTestCase {
    func testPNGRoundTripIsExact() throws {
        for (width, height) in [(1, 1), (13, 11), (64, 48), (3, 200)] {
            let image = gradientImage(width: width, height: height)
            for level in [0, 6, 9] {
                let data = try image.pngData(compressionLevel: level)
                XCTAssertEqual(ImageFormat.detect(bytes: data), .png)
                XCTAssertEqual(try Image(bytes: data), image, "\(width)x\(height) level \(level)")
            }
        }
    }

    func testJPEGRoundTripIsClose() throws {
        let image = gradientImage(width: 64, height: 48)
        for (quality, meanLimit) in [(95, 2.0), (75, 4.0)] {
            let data = try image.jpegData(quality: quality)
            XCTAssertEqual(ImageFormat.detect(bytes: data), .jpeg)
            let decoded = try Image(bytes: data)
            XCTAssertEqual([decoded.width, decoded.height], [64, 48])
            let differences = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }
            let mean = Double(differences.reduce(0, +)) / Double(differences.count)
            XCTAssertLessThan(mean, meanLimit, "quality \(quality): mean absolute error \(mean)")
        }
        // A flat grey survives almost exactly.
        let grey = Image(width: 17, height: 9, filledWith: RGBColor(red: 128, green: 128, blue: 128))
        let decoded = try Image(bytes: grey.jpegData(quality: 90))
        XCTAssertTrue(decoded.pixels.allSatisfy { abs(Int($0) - 128) <= 1 })
        // Higher quality, bigger file.
        XCTAssertGreaterThan(try image.jpegData(quality: 95).count, try image.jpegData(quality: 30).count)
    }

    func testEncodersRejectBadParameters() {
        let image = gradientImage(width: 4, height: 4)
        XCTAssertThrowsError(try image.jpegData(quality: 0)) { error in
            XCTAssertTrue("\(error)".contains("quality must be 1-100"), "\(error)")
        }
        XCTAssertThrowsError(try image.jpegData(quality: 101))
        XCTAssertThrowsError(try image.pngData(compressionLevel: 10))
    }

    func testWritingFilesAtomicallyByExtension() throws {
        let folder = try ImageFixtures.temporaryFolder(for: self)
        let image = gradientImage(width: 20, height: 10)
        try image.write(to: folder + "/a.png")
        try image.write(to: folder + "/b.JPG", jpegQuality: 95)
        try image.write(to: folder + "/c.data", format: .png)
        XCTAssertEqual(try Image(contentsOf: folder + "/a.png"), image)
        XCTAssertEqual(try ImageDecoder().probe(contentsOf: folder + "/b.JPG").format, .jpeg)
        XCTAssertEqual(try Image(contentsOf: folder + "/c.data"), image)
        // Overwriting replaces the file whole; no temporary files are left behind.
        try Image(width: 2, height: 2, filledWith: .black).write(to: folder + "/a.png")
        XCTAssertEqual(try Image(contentsOf: folder + "/a.png").width, 2)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        XCTAssertEqual(names, ["a.png", "b.JPG", "c.data"])
    }

    func testWritingReportsClearErrors() throws {
        let folder = try ImageFixtures.temporaryFolder(for: self)
        let image = gradientImage(width: 4, height: 4)
        XCTAssertThrowsError(try image.write(to: folder + "/x.gif")) { error in
            XCTAssertTrue("\(error)".hasPrefix(folder + "/x.gif: cannot tell the image format"), "\(error)")
        }
        XCTAssertThrowsError(try image.write(to: folder + "/missing/x.png")) { error in
            let description = "\(error)"
            XCTAssertTrue(description.hasPrefix(folder + "/missing/x.png: could not write the file: "), description)
            XCTAssertTrue(description.contains("No such file"), description)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
    }

    func testAtomicFileWritesBytes() throws {
        let folder = try ImageFixtures.temporaryFolder(for: self)
        try AtomicFile.write(bytes: [1, 2, 3], to: folder + "/raw.bin")
        XCTAssertEqual(try FileBytes.read(path: folder + "/raw.bin"), [1, 2, 3])
        try AtomicFile.write(bytes: [], to: folder + "/empty.bin")
        XCTAssertEqual(try FileBytes.read(path: folder + "/empty.bin"), [])
        let big = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try AtomicFile.write(bytes: big, to: folder + "/big.bin")
        XCTAssertEqual(try FileBytes.read(path: folder + "/big.bin"), big)
    }
}
