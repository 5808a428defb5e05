import Synth
import XCTest

final class SceneCheckerTests: XCTestCase {
    let scene = referenceScene()

    private func assertTrue(_ caption: String, file: StaticString = #filePath, line: UInt = #line) {
        let verdict = SceneChecker.check(caption: caption, of: scene)
        XCTAssertTrue(verdict.isTrue, "\"\(caption)\": \(verdict.explanation)", file: file, line: line)
        XCTAssertEqual(verdict.explanation, "true", file: file, line: line)
    }

    private func assertFalse(_ caption: String, because reason: String, file: StaticString = #filePath, line: UInt = #line) {
        let verdict = SceneChecker.check(caption: caption, of: scene)
        XCTAssertFalse(verdict.isTrue, "\"\(caption)\" should be false", file: file, line: line)
        XCTAssertTrue(verdict.explanation.contains(reason), "\"\(caption)\": \(verdict.explanation)", file: file, line: line)
    }

    func testAcceptsTrueCaptions() {
        assertTrue("a small red circle to the left of a large blue square")
        assertTrue("a small red circle above a large blue square")
        assertTrue("there are three shapes")
        assertTrue("three shapes")
        assertTrue("a blue square below a green triangle")
        assertTrue("a red circle and a blue square and a green triangle")
        assertTrue("there is a large blue square on the right")
        assertTrue("a red circle at the top")
        assertTrue("a green triangle on the right")
        assertTrue("one red shape")
        assertTrue("there is one large shape")
        assertTrue("two small shapes")
        assertTrue("there are two small shapes and a blue square")
        assertTrue("a green triangle to the right of a red circle and a large square")
        assertTrue("a small shape")
        assertTrue("a triangle")
    }

    func testRejectsWrongAttributes() {
        assertFalse("a small green circle", because: "no small green circle")
        assertFalse("a small red square", because: "no small red square")
        assertFalse("a large red circle", because: "no large red circle")
        assertFalse("a purple shape", because: "no purple shape")
        assertFalse("a small red circle to the left of a large yellow square", because: "no large yellow square")
    }

    func testRejectsWrongCounts() {
        assertFalse("there are two shapes", because: "has 3")
        assertFalse("two red circles", because: "has 1")
        assertFalse("one small shape", because: "has 2")
        assertFalse("two triangles and a red circle", because: "has 1")
        assertFalse("a red circle and a red circle", because: "distinct objects")
        assertFalse("a small shape and a small shape and a small shape", because: "distinct objects")
    }

    func testRejectsWrongRelationsAndPositions() {
        assertFalse("a red circle to the right of a blue square", because: "no red circle is to the right of a blue square")
        assertFalse("a blue square above a red circle", because: "no blue square is above")
        assertFalse("a red circle on the right", because: "no red circle is on the right")
        assertFalse("a blue square at the top", because: "at the top")
        // The triangle's centre is only 4 pixels right of the square's: inside the margin, so no relation.
        assertFalse("a green triangle to the right of a blue square", because: "to the right of")
        assertFalse("a blue square to the left of a green triangle", because: "to the left of")
        // Each part is true alone, but the three "a" phrases cannot name three distinct objects:
        // the triangle is taken by "a green triangle", the circle by the first "a small shape".
        assertFalse("a small shape to the left of a green triangle and a small shape above a blue square", because: "distinct objects")
    }

    func testRejectsWhatItCannotParse() {
        for caption in ["", "red circle", "a red", "a purple elephant", "a red circle to the left a blue square",
                        "there is two shapes", "there are a red circle", "two red circle", "a circles", "the red circle",
                        "two red circles above a blue square", "a red circle and", "a red circle a blue square",
                        "there", "a red circle on the middle", "zero shapes", "four shapes", "a circle red"] {
            let verdict = SceneChecker.check(caption: caption, of: scene)
            XCTAssertFalse(verdict.isTrue, "\"\(caption)\"")
            XCTAssertTrue(verdict.explanation.hasPrefix("cannot parse"), "\"\(caption)\": \(verdict.explanation)")
        }
    }

    func testIgnoresSpecialTokensPunctuationAndCase() {
        XCTAssertTrue(SceneChecker.check(tokens: ["<start>", "a", "red", "circle", "<end>", "<pad>"], of: scene).isTrue)
        XCTAssertTrue(SceneChecker.isTrue(caption: "A Red Circle .", of: scene))
        XCTAssertFalse(SceneChecker.check(tokens: ["<start>", "a", "red", "<end>"], of: scene).isTrue)
    }

    func testMarginRuleIsStrict() {
        // Centres exactly side / 8 = 8 pixels apart do not count; 9 do.
        func pair(dx: Int) -> Scene {
            Scene(side: 64, objects: [
                SceneObject(shape: .circle, color: .red, size: .small, box: Box(x0: 10, y0: 5, x1: 20, y1: 15)),
                SceneObject(shape: .square, color: .blue, size: .small, box: Box(x0: 10 + dx, y0: 40, x1: 20 + dx, y1: 50)),
            ])
        }
        XCTAssertFalse(SceneChecker.isTrue(caption: "a red circle to the left of a blue square", of: pair(dx: 8)))
        XCTAssertTrue(SceneChecker.isTrue(caption: "a red circle to the left of a blue square", of: pair(dx: 9)))
        XCTAssertTrue(SceneChecker.isTrue(caption: "a red circle above a blue square", of: pair(dx: 8)))
        XCTAssertEqual(SpatialRules.margin(side: 64), 8)
    }
}
