import ImageIO
import Synth
import XCTest

final class SceneLayoutTests: XCTestCase {
    func testObjectsNeverOverlapAndStayInside() {
        for side in [32, 64, 128] {
            let sampler = SceneSampler(side: side)
            for sample in samples(count: side == 64 ? 2000 : 300, side: side, seed: 7) {
                let objects = sample.scene.objects
                XCTAssertTrue((1...3).contains(objects.count))
                for (index, object) in objects.enumerated() {
                    let box = object.box
                    XCTAssertTrue(box.x0 >= 0 && box.y0 >= 0 && box.x1 <= side && box.y1 <= side, "\(box) outside \(side)")
                    XCTAssertTrue(box.width > 0 && box.height > 0)
                    for other in objects[(index + 1)...] {
                        XCTAssertTrue(box.isSeparated(from: other.box, margin: sampler.objectMargin),
                                      "\(sample.fileName): \(box) and \(other.box) closer than \(sampler.objectMargin)")
                    }
                }
            }
        }
    }

    func testSizesAreClearlyDistinguishableAt64() {
        var smallLargest = 0, largeSmallest = Int.max
        for sample in samples(count: 2000, seed: 8) {
            for object in sample.scene.objects {
                let extent = max(object.box.width, object.box.height)
                if object.size == .small { smallLargest = max(smallLargest, extent) } else { largeSmallest = min(largeSmallest, extent) }
            }
        }
        XCTAssertLessThanOrEqual(smallLargest, 14)
        XCTAssertGreaterThanOrEqual(largeSmallest, 20)
    }

    func testBoxCentreShowsTheObjectColourAndBoxesHoldEveryDrawnPixel() {
        let side = 64
        for stream in 0..<500 {
            var random = SeededRandom(seed: 21, stream: UInt64(stream))
            let placements = SceneSampler(side: side).placements(allowed: ColorShapePair.all, required: nil, random: &random)
            let background = BackgroundTexture.render(side: side, random: &random)
            let (image, objects) = SceneRenderer.render(placements: placements, on: background)
            for object in objects {
                let centre = image[x: (object.box.x0 + object.box.x1) / 2, y: (object.box.y0 + object.box.y1) / 2]
                XCTAssertEqual(centre, object.color.rgb, "\(object.description) at \(object.box)")
            }
            var touched = Set<Int>()
            for y in 0..<side {
                for x in 0..<side where image[x: x, y: y] != background[x: x, y: y] {
                    let owners = objects.indices.filter { objects[$0].box.contains(x: x, y: y) }
                    XCTAssertEqual(owners.count, 1, "pixel (\(x), \(y)) changed outside exactly one box")
                    if let owner = owners.first {
                        let box = objects[owner].box
                        if x == box.x0 { touched.insert(owner * 4) }
                        if x == box.x1 - 1 { touched.insert(owner * 4 + 1) }
                        if y == box.y0 { touched.insert(owner * 4 + 2) }
                        if y == box.y1 - 1 { touched.insert(owner * 4 + 3) }
                    }
                }
            }
            XCTAssertEqual(touched.count, objects.count * 4, "every box edge touches a drawn pixel (boxes are tight)")
        }
    }

    func testColoursAreWellSeparatedFromEachOtherAndTheBackground() {
        let colors = ObjectColor.allCases.map(\.rgb)
        for (index, a) in colors.enumerated() {
            XCTAssertGreaterThanOrEqual(max(a.red, a.green, a.blue), 200)
            for b in colors[(index + 1)...] {
                let distance = [Int(a.red) - Int(b.red), Int(a.green) - Int(b.green), Int(a.blue) - Int(b.blue)]
                    .map { Double($0 * $0) }.reduce(0, +).squareRoot()
                XCTAssertGreaterThanOrEqual(distance, 140, "\(a) and \(b)")
            }
        }
        for stream in 0..<200 {
            var random = SeededRandom(seed: 4, stream: UInt64(stream))
            let background = BackgroundTexture.render(side: 64, random: &random)
            XCTAssertLessThanOrEqual(Int(background.pixels.max()!), BackgroundTexture.maximumChannel)
        }
    }

    func testEveryShapeColourSizeAndCountOccurs() {
        var shapes = Set<ShapeKind>(), colors = Set<ObjectColor>(), sizes = Set<ObjectSize>(), counts = Set<Int>()
        var repeatedPair = 0
        let all = samples(count: 1000, seed: 9)
        for sample in all {
            counts.insert(sample.scene.objects.count)
            for object in sample.scene.objects { shapes.insert(object.shape); colors.insert(object.color); sizes.insert(object.size) }
            if Set(sample.scene.objects.map(\.pair)).count < sample.scene.objects.count { repeatedPair += 1 }
        }
        XCTAssertEqual(shapes, Set(ShapeKind.allCases))
        XCTAssertEqual(colors, Set(ObjectColor.allCases))
        XCTAssertEqual(sizes, Set(ObjectSize.allCases))
        XCTAssertEqual(counts, [1, 2, 3])
        XCTAssertGreaterThan(repeatedPair, 50, "scenes with two objects of one colour and shape are common enough to count")
    }

    func testShapeGeometryFillsItsSquare() {
        for shape in ShapeKind.allCases {
            let geometry = ShapeGeometry(shape: shape, centerX: 10, centerY: 10, halfExtent: 5)
            XCTAssertTrue(geometry.contains(x: 10, y: 10), "\(shape) holds its centre")
            XCTAssertFalse(geometry.contains(x: 15.5, y: 10), "\(shape) ends at its extent")
            XCTAssertFalse(geometry.contains(x: 10, y: 4.5))
        }
        XCTAssertTrue(ShapeGeometry(shape: .square, centerX: 10, centerY: 10, halfExtent: 5).contains(x: 14.9, y: 14.9))
        XCTAssertFalse(ShapeGeometry(shape: .circle, centerX: 10, centerY: 10, halfExtent: 5).contains(x: 14.5, y: 14.5))
        XCTAssertFalse(ShapeGeometry(shape: .diamond, centerX: 10, centerY: 10, halfExtent: 5).contains(x: 13, y: 13))
        XCTAssertFalse(ShapeGeometry(shape: .triangle, centerX: 10, centerY: 10, halfExtent: 5).contains(x: 13, y: 6))
        XCTAssertTrue(ShapeGeometry(shape: .triangle, centerX: 10, centerY: 10, halfExtent: 5).contains(x: 14.5, y: 14.9))
        XCTAssertFalse(ShapeGeometry(shape: .cross, centerX: 10, centerY: 10, halfExtent: 5).contains(x: 13, y: 13))
        XCTAssertTrue(ShapeGeometry(shape: .cross, centerX: 10, centerY: 10, halfExtent: 5).contains(x: 14.5, y: 10.5))
    }
}
