import ImageIO
import XCTest

/// Every PNG colour type / bit depth / interlacing and every JPEG flavour against Pillow's decode.
final class CodecFixtureTests: XCTestCase {
    func testEveryFixtureDecodesToPillowsPixels() throws {
        let manifest = try ImageFixtures.json("codec/manifest.json", as: ImageFixtures.Manifest.self)
        XCTAssertGreaterThanOrEqual(manifest.images.count, 35)
        for entry in manifest.images {
            let image = try Image(contentsOf: ImageFixtures.path(entry.file))
            assertPixels(image, width: entry.width, height: entry.height, expected: entry.rgb,
                         tolerance: entry.tolerance, entry.file)
        }
    }

    func testPNGFixturesAreExactAndCoverTheFormat() throws {
        let manifest = try ImageFixtures.json("codec/manifest.json", as: ImageFixtures.Manifest.self)
        let pngs = manifest.images.filter { $0.format == "PNG" }
        XCTAssertTrue(pngs.allSatisfy { $0.tolerance == 0 })
        XCTAssertEqual(Set(pngs.compactMap(\.bit_depth)), [1, 2, 4, 8, 16])
        XCTAssertTrue(pngs.contains { $0.interlaced == true })
        let jpegs = manifest.images.filter { $0.format == "JPEG" }
        XCTAssertTrue(jpegs.contains { $0.progressive == true })
        XCTAssertTrue(jpegs.contains { $0.file.contains("cmyk") })
        XCTAssertTrue(jpegs.contains { $0.file.contains("gray") })
    }

    func testProbeReadsHeadersWithoutDecoding() throws {
        let decoder = ImageDecoder()
        let palette = try decoder.probe(contentsOf: ImageFixtures.path("codec/png_palette4_trns_interlaced.png"))
        XCTAssertEqual(palette, ImageInfo(format: .png, width: 13, height: 11, channels: 1, bitDepth: 4, interlaced: true))
        let rgba = try decoder.probe(contentsOf: ImageFixtures.path("codec/png_rgba16.png"))
        XCTAssertEqual(rgba, ImageInfo(format: .png, width: 13, height: 11, channels: 4, bitDepth: 16, interlaced: false))
        let progressive = try decoder.probe(contentsOf: ImageFixtures.path("codec/jpeg_progressive.jpg"))
        XCTAssertEqual(progressive, ImageInfo(format: .jpeg, width: 41, height: 30, channels: 3, bitDepth: 8, interlaced: true))
        let cmyk = try decoder.probe(contentsOf: ImageFixtures.path("codec/jpeg_cmyk.jpg"))
        XCTAssertEqual(cmyk.channels, 4)
    }

    func testBackgroundColourIsConfigurable() throws {
        // Pixel (0, 1) of the RGBA fixtures is fully transparent: it takes the background colour.
        let path = ImageFixtures.path("codec/png_rgba8.png")
        let red = RGBColor(red: 200, green: 10, blue: 20)
        let image = try ImageDecoder(background: red).decode(contentsOf: path)
        XCTAssertEqual(image[x: 0, y: 1], red)
        XCTAssertEqual(try Image(contentsOf: path)[x: 0, y: 1], .white)
    }

    func testJPEGDCTScalingKeepsTheMinimumSize() throws {
        let path = ImageFixtures.path("codec/jpeg_baseline_420.jpg") // 41 x 30
        let decoder = ImageDecoder()
        let full = try decoder.decode(contentsOf: path)
        XCTAssertEqual([full.width, full.height], [41, 30])
        let half = try decoder.decode(contentsOf: path, minimumWidth: 20, minimumHeight: 15)
        XCTAssertEqual([half.width, half.height], [21, 15])
        let eighth = try decoder.decode(contentsOf: path, minimumWidth: 1, minimumHeight: 1)
        XCTAssertEqual([eighth.width, eighth.height], [6, 4])
        let quarter = try decoder.decode(contentsOf: path, minimumWidth: 11, minimumHeight: 5)
        XCTAssertEqual([quarter.width, quarter.height], [11, 8])
        // A reduced decode is close to the area average of the full one.
        let averaged = full.resized(width: 21, height: 15)
        let difference = zip(half.pixels, averaged.pixels).map { abs(Int($0) - Int($1)) }
        XCTAssertLessThan(Double(difference.reduce(0, +)) / Double(difference.count), 8)
        // PNG ignores the hint.
        let png = try decoder.decode(contentsOf: ImageFixtures.path("codec/png_rgb8.png"), minimumWidth: 1, minimumHeight: 1)
        XCTAssertEqual([png.width, png.height], [13, 11])
    }
}
