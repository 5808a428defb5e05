import Synth
import XCTest

final class CaptionGroundingTests: XCTestCase {
    let scene = referenceScene()
    var circle: Box { scene.objects[0].box }
    var square: Box { scene.objects[1].box }
    var triangle: Box { scene.objects[2].box }

    func testGroundsColourAndShapeWordsOfEachNamedObject() {
        let tokens = ["<start>", "a", "small", "red", "circle", "to", "the", "left", "of", "a", "large", "blue", "square", "<end>"]
        XCTAssertEqual(groundedBoxes(tokens: tokens, scene: scene), [3: circle, 4: circle, 11: square, 12: square])
        XCTAssertEqual(groundedBoxes(tokens: ["a", "green", "shape", "at", "the", "top"], scene: scene), [1: triangle, 2: triangle])
        XCTAssertEqual(groundedBoxes(tokens: ["one", "red", "shape"], scene: scene), [1: circle, 2: circle])
        XCTAssertEqual(groundedBoxes(tokens: ["there", "is", "a", "triangle"], scene: scene), [3: triangle])
    }

    func testAmbiguousAndCountedPhrasesAreNotGrounded() {
        XCTAssertEqual(groundedBoxes(tokens: ["two", "small", "shapes"], scene: scene), [:])
        XCTAssertEqual(groundedBoxes(tokens: ["three", "shapes"], scene: scene), [:])
        XCTAssertEqual(groundedBoxes(tokens: ["a", "small", "shape"], scene: scene), [:])
        // Both small objects are above the square: "shape" stays ambiguous, "blue square" does not.
        XCTAssertEqual(groundedBoxes(tokens: ["a", "small", "shape", "above", "a", "blue", "square"], scene: scene), [5: square, 6: square])
        // The relation settles which small shape is meant.
        XCTAssertEqual(groundedBoxes(tokens: ["a", "small", "shape", "to", "the", "left", "of", "a", "green", "triangle"], scene: scene),
                       [2: circle, 8: triangle, 9: triangle])
    }

    func testFalseAndUnreadableCaptions() {
        // False, but the attributes still pick out one object.
        XCTAssertEqual(groundedBoxes(tokens: ["a", "red", "circle", "on", "the", "right"], scene: scene), [1: circle, 2: circle])
        XCTAssertEqual(groundedBoxes(tokens: ["a", "purple", "circle"], scene: scene), [:])
        XCTAssertEqual(groundedBoxes(tokens: ["red", "circle"], scene: scene), [:])
        XCTAssertEqual(groundedBoxes(tokens: [], scene: scene), [:])
    }
}
