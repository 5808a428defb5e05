import Foundation
import NN
import XCTest

/// Locates and reads the PyTorch-written fixtures in `Tests/Fixtures/foundation`.
enum Fixtures {
    /// `Tests/Fixtures/foundation`, found from this source file's location.
    static let folder: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/foundation")

    static func path(_ name: String, subfolder: String = "foundation") -> String {
        folder.deletingLastPathComponent().appendingPathComponent(subfolder).appendingPathComponent(name).path
    }

    /// Loads `name` (e.g. `linear.safetensors`) from `Tests/Fixtures/<subfolder>`.
    static func load(_ name: String, subfolder: String = "foundation", file: StaticString = #filePath, line: UInt = #line) throws -> FixtureFile {
        let path = path(name, subfolder: subfolder)
        guard FileManager.default.fileExists(atPath: path) else {
            XCTFail("fixture \(name) not found at \(path)", file: file, line: line)
            throw SafetensorsError(path: path, reason: "fixture missing")
        }
        return FixtureFile(name: name, file: try SafetensorsFile(contentsOf: path))
    }
}

/// A loaded fixture with typed accessors that fail the test (by throwing) on a missing name.
struct FixtureFile {
    let name: String
    let file: SafetensorsFile

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    func entry(_ key: String) throws -> SafetensorsFile.Entry {
        guard let e = file.tensors[key] else {
            throw Missing(description: "\(name) has no tensor '\(key)' (has \(file.tensors.keys.sorted()))")
        }
        return e
    }

    func floats(_ key: String) throws -> [Float] {
        let e = try entry(key)
        guard e.dtype == .F32, let v = e.floats else { throw Missing(description: "\(name):\(key) is \(e.dtype), not F32") }
        return v
    }

    func shape(_ key: String) throws -> [Int] { try entry(key).shape }

    func int64s(_ key: String) throws -> [Int64] {
        let e = try entry(key)
        guard e.dtype == .I64, let v = e.integers else { throw Missing(description: "\(name):\(key) is \(e.dtype), not I64") }
        return v
    }

    /// The entry as a tensor of its own shape.
    func tensor(_ key: String, requiresGrad: Bool = false) throws -> Tensor {
        Tensor(shape: try shape(key), values: try floats(key), requiresGrad: requiresGrad)
    }

    /// A single float (a scalar or one-element tensor).
    func scalar(_ key: String) throws -> Float {
        let v = try floats(key)
        guard v.count == 1 else { throw Missing(description: "\(name):\(key) has \(v.count) elements, not 1") }
        return v[0]
    }

    func metadata(_ key: String) throws -> String {
        guard let v = file.metadata[key] else { throw Missing(description: "\(name) has no metadata '\(key)'") }
        return v
    }
}

/// The worst element violating `|actual - expected| <= tolerance * max(|expected|, scale)`, scale the
/// largest magnitude in `expected` (at least 1e-3), or nil if all are within tolerance. A NaN on one side only is a violation; counts must match.
func worstMismatch(_ actual: [Float], _ expected: [Float], tolerance: Float) -> (index: Int, error: Float)? {
    guard actual.count == expected.count else { return (index: -1, error: .infinity) }
    var worst: (index: Int, error: Float)?
    // Relative to the element and to the tensor's largest value (or 1e-3, whichever is larger), so a
    // gradient of magnitude 1e-2 is held to its own scale rather than to an absolute floor of 1.
    let scale = max(expected.map { $0.isNaN ? 0 : abs($0) }.max() ?? 0, 1e-3)
    for i in 0..<actual.count {
        let a = actual[i], b = expected[i]
        let error: Float = (a.isNaN || b.isNaN) ? (a.isNaN && b.isNaN ? 0 : .infinity) : abs(a - b) / max(abs(b), scale)
        if !(error <= tolerance) && (worst == nil || error > worst!.error) { worst = (i, error) }
    }
    return worst
}

/// Element-wise `|actual - expected| <= tolerance * max(1, |expected|)`; on failure names the
/// tensor, the worst index (flat and multi-dimensional when a shape is given) and both values.
func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, _ name: String,
                 shape: [Int]? = nil, file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("\(name): \(actual.count) values, expected \(expected.count)", file: file, line: line)
        return
    }
    guard let (worst, error) = worstMismatch(actual, expected, tolerance: tolerance) else { return }
    var index = "\(worst)"
    if let shape, shape.reduce(1, *) == actual.count, !shape.isEmpty {
        var rest = worst
        var coords = [Int](repeating: 0, count: shape.count)
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            coords[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        index += " \(coords)"
    }
    XCTFail("\(name): worst mismatch at index \(index): got \(actual[worst]), expected \(expected[worst]) "
            + "(relative error \(error) > tolerance \(tolerance))", file: file, line: line)
}

/// Compares a tensor's values and shape with a fixture entry.
func assertClose(_ tensor: Tensor, _ fixture: FixtureFile, _ key: String, tolerance: Float = 1e-5,
                 label: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
    let name = label ?? "\(fixture.name):\(key)"
    let shape = try fixture.shape(key)
    XCTAssertEqual(tensor.shape, shape, "\(name): shape", file: file, line: line)
    assertClose(tensor.values, try fixture.floats(key), tolerance: tolerance, name, shape: shape, file: file, line: line)
}

/// Compares a tensor's gradient with a fixture entry (fails if no gradient arrived).
func assertGradClose(_ tensor: Tensor, _ fixture: FixtureFile, _ key: String, tolerance: Float = 1e-5,
                     file: StaticString = #filePath, line: UInt = #line) throws {
    let name = "\(fixture.name):\(key)"
    guard let grad = tensor.gradValues else {
        XCTFail("\(name): no gradient arrived", file: file, line: line)
        return
    }
    let shape = try fixture.shape(key)
    XCTAssertEqual(tensor.shape, shape, "\(name): shape", file: file, line: line)
    assertClose(grad, try fixture.floats(key), tolerance: tolerance, name, shape: shape, file: file, line: line)
}

/// Copies `values` into a tensor's elements (shape checked by count).
func setValues(_ tensor: Tensor, _ values: [Float], file: StaticString = #filePath, line: UInt = #line) {
    guard tensor.count == values.count else {
        XCTFail("setValues: tensor of \(tensor.count) elements, \(values.count) values", file: file, line: line)
        return
    }
    let buffer = tensor.mutableBuffer
    for i in 0..<values.count { buffer[i] = values[i] }
}

/// A self-test of the comparison helper, so a broken helper cannot hide broken layers.
final class FixtureLoadingTests: XCTestCase {
    func testFixtureFolderExists() {
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: Fixtures.folder.path, isDirectory: &isDirectory) && isDirectory.boolValue,
                      "fixture folder \(Fixtures.folder.path) missing")
    }

    func testToleranceRule() {
        // Relative to the element, or to the tensor's scale for small elements.
        XCTAssertNil(worstMismatch([100.0005], [100], tolerance: 1e-5))
        XCTAssertEqual(worstMismatch([100.01], [100], tolerance: 1e-5)?.index, 0)
        XCTAssertNil(worstMismatch([0.000005, 1], [0, 1], tolerance: 1e-5))
        XCTAssertEqual(worstMismatch([1, 0.0001], [1, 0], tolerance: 1e-5)?.index, 1)
        // A small tensor is held to its own scale: a 1% error in a 0.01-sized gradient fails.
        XCTAssertEqual(worstMismatch([0.0101, 0.005], [0.01, 0.005], tolerance: 1e-4)?.index, 0)
        XCTAssertEqual(worstMismatch([0, .nan], [0, 0], tolerance: 1e-5)?.index, 1)
        XCTAssertNotNil(worstMismatch([1, 2], [1], tolerance: 1e-5))
        // The worst of several violations is reported.
        XCTAssertEqual(worstMismatch([0.1, 0.5, 0.2], [0, 0, 0], tolerance: 1e-5)?.index, 1)
    }
}
