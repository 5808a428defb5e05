import ImageIO
import XCTest

final class AttentionRenderingTests: XCTestCase {
    func testUpsamplingIsSmoothBilinear() {
        let constant = AttentionMap(width: 3, height: 2, values: [Float](repeating: 0.25, count: 6))
        XCTAssertTrue(constant.upsampled(width: 30, height: 20).values.allSatisfy { abs($0 - 0.25) < 1e-6 })
        let ramp = AttentionMap(width: 2, height: 1, values: [0, 1]).upsampled(width: 4, height: 2)
        XCTAssertEqual(ramp.values, [0, 0.25, 0.75, 1, 0, 0.25, 0.75, 1])
        // Monotone between neighbours, within the grid's range.
        let grid = AttentionMap(width: 4, height: 4, values: (0..<16).map { Float($0) / 15 }).upsampled(width: 64, height: 64)
        XCTAssertEqual(grid.values.min()!, 0, accuracy: 1e-6)
        XCTAssertEqual(grid.values.max()!, 1, accuracy: 1e-6)
        for y in 0..<64 { for x in 1..<64 { XCTAssertGreaterThanOrEqual(grid.values[y * 64 + x], grid.values[y * 64 + x - 1] - 1e-6) } }
    }

    func testScaling() {
        let map = AttentionMap(width: 2, height: 2, values: [0.1, 0.2, 0.3, 0.5])
        XCTAssertEqual(map.scaled(.minMax).values[0], 0, accuracy: 1e-6)
        XCTAssertEqual(map.scaled(.minMax).values[3], 1, accuracy: 1e-6)
        XCTAssertEqual(map.scaled(.maximum).values[0], 0.2, accuracy: 1e-6)
        XCTAssertEqual(map.scaled(.none), map)
        XCTAssertEqual(AttentionMap(width: 1, height: 2, values: [0.5, 0.5]).scaled(.minMax).values, [0, 0])
    }

    func testColorMaps() {
        XCTAssertEqual(ColorMap.viridis.color(at: 0), RGBColor(red: 68, green: 1, blue: 84))
        XCTAssertEqual(ColorMap.viridis.color(at: 1), RGBColor(red: 253, green: 231, blue: 37))
        XCTAssertEqual(ColorMap.viridis.color(at: 7), ColorMap.viridis.color(at: 1))
        XCTAssertEqual(ColorMap.viridis.color(at: .nan), ColorMap.viridis.color(at: 0))
        XCTAssertEqual(ColorMap.jet.color(at: 0), RGBColor(red: 0, green: 0, blue: 128))
        XCTAssertEqual(ColorMap.jet.color(at: 1), RGBColor(red: 128, green: 0, blue: 0))
        XCTAssertEqual(ColorMap.gray.color(at: 0.5), RGBColor(red: 128, green: 128, blue: 128))
    }

    func testOverlayBlendsTheColourMap() {
        let image = Image(width: 8, height: 8, filledWith: RGBColor(red: 100, green: 100, blue: 100))
        let attention = AttentionMap(width: 2, height: 2, values: [0, 0, 0, 1])
        let overlay = image.overlaying(attention: attention, colorMap: .gray, opacity: 0.5)
        XCTAssertEqual(overlay[x: 0, y: 0], RGBColor(red: 50, green: 50, blue: 50))       // 0.5 * 100 + 0.5 * 0
        XCTAssertEqual(overlay[x: 7, y: 7], RGBColor(red: 178, green: 178, blue: 178))    // 0.5 * 100 + 0.5 * 255 = 177.5
        XCTAssertEqual(image.overlaying(attention: attention, opacity: 0), image)
    }

    func testFontCoversPrintableASCII() {
        for code in 32...126 {
            let rows = BitmapFont.rows(of: Character(UnicodeScalar(UInt8(code))))
            XCTAssertEqual(rows.count, 7)
            XCTAssertTrue(rows.allSatisfy { $0 < 32 })
            XCTAssertEqual(rows.contains { $0 != 0 }, code != 32, "glyph \(code)")
        }
        XCTAssertEqual(BitmapFont.rows(of: "é"), BitmapFont.rows(of: "?"))
        XCTAssertEqual(BitmapFont.rows(of: "A"), [0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001])
        XCTAssertEqual(BitmapFont.width(of: "dog", scale: 2), (3 * 6 - 1) * 2)
        // Distinct glyphs for distinct characters.
        let glyphs = (32...126).map { BitmapFont.rows(of: Character(UnicodeScalar(UInt8($0)))) }
        XCTAssertEqual(Set(glyphs.map { $0.map(String.init).joined(separator: ",") }).count, 95)
    }

    func testDrawTextPaintsGlyphPixelsAndClips() {
        var image = Image(width: 12, height: 9, filledWith: .white)
        image.drawText("I", x: 1, y: 1, color: .black)
        // 'I' = .###. / ..#.. x5 / .###.
        XCTAssertEqual(image[x: 1, y: 1], .white)
        XCTAssertEqual(image[x: 2, y: 1], .black)
        XCTAssertEqual(image[x: 3, y: 4], .black)
        XCTAssertEqual(image[x: 2, y: 4], .white)
        let black = image.pixels.enumerated().filter { $0.offset % 3 == 0 && $0.element == 0 }.count
        XCTAssertEqual(black, 3 + 5 + 3)
        image.drawText("WWWWWW", x: -3, y: 5, scale: 2) // clipped, must not crash
    }

    func testGridLayoutAndAttentionGrid() throws {
        let base = gradientImage(width: 32, height: 32)
        let maps = (0..<4).map { step in AttentionMap(width: 4, height: 4, values: (0..<16).map { Float(($0 + step) % 16) }) }
        let grid = AttentionGrid.render(image: base, words: ["a", "dog", "runs", "<end>"], maps: maps, columns: 3)
        // 5 panels in 3 columns: 2 rows; cell 32 x (32 + 11); spacing 4.
        XCTAssertEqual(grid.width, 3 * 32 + 4 * 4)
        XCTAssertEqual(grid.height, 2 * (32 + 11) + 3 * 4)
        XCTAssertEqual(grid[x: 0, y: 0], .white)
        XCTAssertEqual(grid[x: 4, y: 4], base[x: 0, y: 0]) // the first panel is the plain image
        // Labels are drawn in black under panels.
        let labelStrip = (4 + 32 + 2)..<(4 + 32 + 9)
        XCTAssertTrue(labelStrip.contains { y in (4..<36).contains { x in grid[x: x, y: y] == .black } })
        // It encodes.
        let png = try grid.pngData()
        XCTAssertEqual(try Image(bytes: png), grid)
        // Long labels are cut to fit.
        let panel = LabeledPanel(image: Image(width: 20, height: 5, filledWith: .black), label: "extraordinarily")
        let narrow = ImageGrid.compose(panels: [panel], columns: 4, spacing: 0)
        XCTAssertEqual([narrow.width, narrow.height], [20, 16])
    }
}
