import Foundation
import Synth
import XCTest

/// A fixed 64-pixel scene for checker and grounding tests:
/// - 0: small red circle, centre (10, 10), top left;
/// - 1: large blue square, centre (42, 42), bottom right;
/// - 2: small green triangle, centre (46, 9.5), top right, only 4 pixels right of the square's centre.
func referenceScene() -> Scene {
    Scene(side: 64, objects: [
        SceneObject(shape: .circle, color: .red, size: .small, box: Box(x0: 4, y0: 4, x1: 16, y1: 16)),
        SceneObject(shape: .square, color: .blue, size: .large, box: Box(x0: 30, y0: 30, x1: 54, y1: 54)),
        SceneObject(shape: .triangle, color: .green, size: .small, box: Box(x0: 40, y0: 4, x1: 52, y1: 15)),
    ])
}

/// A fresh empty folder under the temporary directory, removed when the test ends.
func temporaryFolder(_ test: XCTestCase, name: String = "synth") throws -> String {
    let path = NSTemporaryDirectory() + "glimpse-\(name)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// Samples `count` scenes the way `SynthDataset` does, for property tests.
func samples(count: Int, side: Int = 64, seed: UInt64 = 0, split: SynthSplit = .train,
             holdOut: [ColorShapePair] = []) -> [SynthSample] {
    (0..<count).map { SynthSample(index: $0, split: split, side: side, seed: seed, holdOut: holdOut) }
}
