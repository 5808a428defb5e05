import Foundation
import NN
import XCTest

/// The safetensors reader and writer, model checkpoints, and the errors of bad files.
final class SafetensorsTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("glimpse-nntests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    private func temporaryPath(_ name: String) -> String { folder.appendingPathComponent(name).path }

    // MARK: Reading what Python wrote

    func testReadsPythonWrittenFile() throws {
        let file = try SafetensorsFile(contentsOf: Fixtures.path("python_written.safetensors"))
        XCTAssertEqual(Set(file.tensors.keys), ["f32", "i64", "scalar"])
        XCTAssertEqual(file.metadata, ["format": "pt", "note": "written by Python"])

        let f32 = try XCTUnwrap(file.tensors["f32"])
        XCTAssertEqual(f32.dtype, .F32)
        XCTAssertEqual(f32.shape, [2, 3])
        XCTAssertEqual(f32.floats, [0, 1, 2, 3, 4, 5])
        XCTAssertNil(f32.integers)

        let i64 = try XCTUnwrap(file.tensors["i64"])
        XCTAssertEqual(i64.dtype, .I64)
        XCTAssertEqual(i64.shape, [4])
        XCTAssertEqual(i64.integers, [0, 1, 2, 3])
        XCTAssertEqual(i64.floats, [0, 1, 2, 3])

        let scalar = try XCTUnwrap(file.tensors["scalar"])
        XCTAssertEqual(scalar.dtype, .F32)
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(scalar.count, 1)
        XCTAssertEqual(scalar.floats, [3.5])
    }

    // MARK: Writing and reading back

    func testRoundTripOfFloatAndIntegerEntriesWithMetadata() throws {
        let floats: [Float] = [-1.5, 0, 3.25, .greatestFiniteMagnitude, -.leastNonzeroMagnitude, 7]
        let ints: [Int64] = [Int64.min, -1, 0, 1, Int64.max]
        let metadata = ["format": "pt", "note": "quote \" backslash \\ newline \n tab \t unicode é"]
        let original = SafetensorsFile(tensors: [
            "layer.weight": .init(floats: floats, shape: [2, 3]),
            "steps": .init(int64s: ints, shape: [5]),
            "scalar": .init(floats: [42], shape: []),
            "empty": .init(floats: [], shape: [0, 4]),
        ], metadata: metadata)
        let path = temporaryPath("round_trip.safetensors")
        try original.write(to: path)
        let read = try SafetensorsFile(contentsOf: path)
        XCTAssertEqual(read.metadata, metadata)
        XCTAssertEqual(Set(read.tensors.keys), Set(original.tensors.keys))
        for (name, entry) in original.tensors {
            XCTAssertEqual(read.tensors[name], entry, "entry \(name) changed in the round trip")
        }
        XCTAssertEqual(read.tensors["layer.weight"]?.floats, floats)
        XCTAssertEqual(read.tensors["steps"]?.integers, ints)
        XCTAssertEqual(read.tensors["scalar"]?.shape, [])
        XCTAssertEqual(read.tensors["empty"]?.shape, [0, 4])
        // No temporary file is left beside the destination.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "round_trip.safetensors" }
        XCTAssertEqual(leftovers, [], "atomic write left files behind")
    }

    /// What Swift writes has the byte layout Python's `safetensors` expects: 8-byte little-endian
    /// header length, header length a multiple of 8, JSON header, data_offsets contiguous from 0
    /// and covering the data exactly, data little-endian.
    func testWrittenByteLayoutIsStandard() throws {
        let file = SafetensorsFile(tensors: [
            "b": .init(floats: [1, 2, 3], shape: [3]),
            "a": .init(int64s: [5, -6], shape: [2]),
            "c": .init(floats: [9], shape: []),
        ], metadata: ["format": "pt"])
        let path = temporaryPath("layout.safetensors")
        try file.write(to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertGreaterThanOrEqual(bytes.count, 8)
        var headerLength = 0
        for i in 0..<8 { headerLength |= Int(bytes[i]) << (8 * i) }
        XCTAssertEqual(headerLength % 8, 0, "header length \(headerLength) is not a multiple of 8")
        XCTAssertLessThanOrEqual(8 + headerLength, bytes.count)
        let headerData = Data(bytes[8..<(8 + headerLength)])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: headerData) as? [String: Any], "header is not a JSON object")
        XCTAssertEqual(json["__metadata__"] as? [String: String], ["format": "pt"])
        let dataCount = bytes.count - 8 - headerLength
        var spans: [(name: String, begin: Int, end: Int)] = []
        for (name, value) in json where name != "__metadata__" {
            let info = try XCTUnwrap(value as? [String: Any], "\(name) is not an object")
            let offsets = try XCTUnwrap(info["data_offsets"] as? [Int], "\(name) has no data_offsets")
            XCTAssertEqual(offsets.count, 2)
            let shape = try XCTUnwrap(info["shape"] as? [Int])
            let dtype = try XCTUnwrap(info["dtype"] as? String)
            XCTAssertEqual(offsets[1] - offsets[0], shape.reduce(1, *) * (dtype == "I64" ? 8 : 4), "\(name) byte count")
            spans.append((name, offsets[0], offsets[1]))
        }
        XCTAssertEqual(Set(spans.map(\.name)), ["a", "b", "c"])
        spans.sort { $0.begin < $1.begin }
        var expectedBegin = 0
        for span in spans {
            XCTAssertEqual(span.begin, expectedBegin, "\(span.name) does not start where the previous tensor ended")
            expectedBegin = span.end
        }
        XCTAssertEqual(expectedBegin, dataCount, "data_offsets do not cover the data exactly")
        // Little-endian payloads: a = [5, -6] as int64.
        let a = try XCTUnwrap(spans.first { $0.name == "a" })
        let base = 8 + headerLength + a.begin
        XCTAssertEqual(Array(bytes[base..<(base + 8)]), [5, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Array(bytes[(base + 8)..<(base + 16)]), [0xFA, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        let b = try XCTUnwrap(spans.first { $0.name == "b" })
        let bBase = 8 + headerLength + b.begin
        XCTAssertEqual(Array(bytes[bBase..<(bBase + 4)]), [0x00, 0x00, 0x80, 0x3F], "1.0f little-endian")
    }

    // MARK: Model checkpoints

    /// Conv2D(3 -> 4, 3x3, pad 1, no bias) -> BatchNorm2D(4) -> Linear(5 -> 2) over the last axis.
    private func makeModel(seed: UInt64) -> (Sequential, Conv2D, BatchNorm2D, Linear) {
        var generator = SeededGenerator(seed: seed)
        let conv = Conv2D(inputChannels: 3, outputChannels: 4, kernelSize: 3, padding: 1, bias: false, generator: &generator)
        let bn = BatchNorm2D(featureCount: 4)
        let linear = Linear(inputSize: 5, outputSize: 2, generator: &generator)
        return (Sequential([conv, bn, linear]), conv, bn, linear)
    }

    private func makeInput() -> Tensor {
        var generator = SeededGenerator(seed: 99)
        return Tensor.normal([2, 3, 5, 5], generator: &generator)
    }

    func testStateDictUsesPyTorchNamesAndDtypes() {
        let (model, _, _, _) = makeModel(seed: 1)
        let state = model.stateDict()
        XCTAssertEqual(Set(state.keys), ["0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                                         "1.num_batches_tracked", "2.weight", "2.bias"])
        XCTAssertEqual(state["0.weight"]?.shape, [4, 3, 3, 3])
        XCTAssertEqual(state["2.weight"]?.shape, [2, 5])
        XCTAssertEqual(state["1.num_batches_tracked"]?.dtype, .I64)
        XCTAssertEqual(state["1.num_batches_tracked"]?.shape, [])
        XCTAssertEqual(state["1.running_var"]?.dtype, .F32)
    }

    func testSaveAndLoadWeightsRoundTrip() throws {
        let (source, sourceConv, sourceBN, sourceLinear) = makeModel(seed: 1)
        // One training batch moves the running statistics and num_batches_tracked off their defaults.
        _ = withoutGradient { source(makeInput()) }
        XCTAssertEqual(sourceBN.batchesTracked.item, 1)
        setValues(sourceBN.weight, [0.5, 1.5, 2, -1])
        source.eval()
        let expected = withoutGradient { source(makeInput()) }

        let path = temporaryPath("model.safetensors")
        try source.saveWeights(to: path, metadata: ["epoch": "3"])
        XCTAssertEqual(try SafetensorsFile(contentsOf: path).metadata["epoch"], "3")

        let (target, conv, bn, linear) = makeModel(seed: 2)
        XCTAssertNotEqual(conv.weight.values, sourceConv.weight.values, "models with different seeds should differ")
        try target.loadWeights(from: path)
        XCTAssertEqual(conv.weight.values, sourceConv.weight.values)
        XCTAssertEqual(linear.weight.values, sourceLinear.weight.values)
        XCTAssertEqual(linear.bias?.values, sourceLinear.bias?.values)
        XCTAssertEqual(bn.weight.values, sourceBN.weight.values)
        XCTAssertEqual(bn.bias.values, sourceBN.bias.values)
        XCTAssertEqual(bn.runningMean.values, sourceBN.runningMean.values)
        XCTAssertEqual(bn.runningVariance.values, sourceBN.runningVariance.values)
        XCTAssertEqual(bn.batchesTracked.item, 1, "num_batches_tracked not restored")
        target.eval()
        let actual = withoutGradient { target(makeInput()) }
        XCTAssertEqual(actual.shape, [2, 4, 5, 2])
        XCTAssertEqual(actual.values, expected.values, "restored model computes something else")
    }

    func testLoadedParametersStillTrainThroughAParameterStore() throws {
        // Loading writes into the tensors' own storage, so it must also work after packing.
        let (source, _, _, sourceLinear) = makeModel(seed: 1)
        let path = temporaryPath("packed.safetensors")
        try source.saveWeights(to: path)
        let (target, _, _, linear) = makeModel(seed: 2)
        let store = target.makeParameterStore()
        try target.loadWeights(from: path)
        XCTAssertEqual(linear.weight.values, sourceLinear.weight.values)
        let entry = try XCTUnwrap(store.entry(named: "2.weight"))
        XCTAssertEqual(Array(store.values[entry.range]), sourceLinear.weight.values, "store does not see the loaded values")
    }

    // MARK: loadStateDict errors

    private func assertLoadFails(_ entries: [String: SafetensorsFile.Entry], strict: Bool = true, mentioning words: [String],
                                 file: StaticString = #filePath, line: UInt = #line) {
        let (model, conv, _, _) = makeModel(seed: 5)
        let before = conv.weight.values
        XCTAssertThrowsError(try model.loadStateDict(entries, strict: strict, source: "test.safetensors"), file: file, line: line) { error in
            XCTAssertTrue(error is SafetensorsError, "expected a SafetensorsError, got \(type(of: error))", file: file, line: line)
            let text = "\(error)"
            for word in words {
                XCTAssertTrue(text.contains(word), "error '\(text)' does not mention \(word)", file: file, line: line)
            }
        }
        XCTAssertEqual(conv.weight.values, before, "a failed load changed the model", file: file, line: line)
    }

    private func validState() -> [String: SafetensorsFile.Entry] {
        var state = makeModel(seed: 7).0.stateDict()
        // Make 0.weight differ so a partial load would be visible.
        state["0.weight"] = .init(floats: [Float](repeating: 0.25, count: 108), shape: [4, 3, 3, 3])
        return state
    }

    func testValidStateDictLoads() throws {
        let (model, conv, _, _) = makeModel(seed: 5)
        try model.loadStateDict(validState())
        XCTAssertEqual(conv.weight.values, [Float](repeating: 0.25, count: 108))
    }

    func testLoadStateDictMissingTensor() {
        var state = validState()
        state["1.running_var"] = nil
        assertLoadFails(state, mentioning: ["1.running_var", "missing"])
    }

    func testLoadStateDictUnexpectedTensor() throws {
        var state = validState()
        state["3.weight"] = .init(floats: [1], shape: [1])
        assertLoadFails(state, mentioning: ["3.weight", "unexpected"])
        // Not strict: the extra tensor is ignored and the rest loads.
        let (model, conv, _, _) = makeModel(seed: 5)
        try model.loadStateDict(state, strict: false)
        XCTAssertEqual(conv.weight.values, [Float](repeating: 0.25, count: 108))
    }

    func testLoadStateDictWrongShape() {
        var state = validState()
        state["2.weight"] = .init(floats: [Float](repeating: 0, count: 10), shape: [5, 2])
        assertLoadFails(state, mentioning: ["2.weight", "[5, 2]", "[2, 5]"])
    }

    func testLoadStateDictWrongDtype() {
        var state = validState()
        state["2.bias"] = .init(int64s: [1, 2], shape: [2])
        assertLoadFails(state, mentioning: ["2.bias", "I64", "F32"])
        var state2 = validState()
        state2["1.num_batches_tracked"] = .init(floats: [3], shape: [])
        assertLoadFails(state2, mentioning: ["1.num_batches_tracked", "F32", "I64"])
    }

    // MARK: Corrupt files

    private func assertCorrupt(_ bytes: [UInt8], _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = temporaryPath("corrupt-\(UUID().uuidString).safetensors")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafetensorsFile(contentsOf: path), "\(what) was accepted", file: file, line: line) { error in
            guard let error = error as? SafetensorsError else {
                XCTFail("\(what): expected a SafetensorsError, got \(type(of: error))", file: file, line: line)
                return
            }
            XCTAssertEqual(error.path, path, "\(what): error does not name the file", file: file, line: line)
            XCTAssertFalse(error.reason.isEmpty, file: file, line: line)
        }
        // The same bytes from memory fail the same way.
        XCTAssertThrowsError(try SafetensorsFile(data: Data(bytes)), "\(what) was accepted from memory", file: file, line: line)
    }

    /// A file from a header string and payload (header padded to 8 bytes).
    private func fileBytes(header: String, payload: [UInt8], lengthOverride: UInt64? = nil) -> [UInt8] {
        var h = Array(header.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        let length = lengthOverride ?? UInt64(h.count)
        return (0..<8).map { UInt8((length >> (8 * UInt64($0))) & 0xFF) } + h + payload
    }

    private let fourFloats = [UInt8](repeating: 0, count: 16)

    func testHandMadeValidFileIsAccepted() throws {
        // The baseline the corrupt variants below are cut from must itself be readable.
        let bytes = fileBytes(header: #"{"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, payload: fourFloats)
        let file = try SafetensorsFile(data: Data(bytes))
        XCTAssertEqual(file.tensors["x"]?.floats, [0, 0, 0, 0])
    }

    func testEmptyFileIsRejected() throws { try assertCorrupt([], "an empty file") }

    func testFiveByteFileIsRejected() throws { try assertCorrupt([1, 2, 3, 4, 5], "a 5-byte file") }

    func testHeaderLongerThanFileIsRejected() throws {
        let bytes = fileBytes(header: #"{"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, payload: fourFloats,
                              lengthOverride: 10_000)
        try assertCorrupt(bytes, "a header length beyond the file")
        try assertCorrupt(fileBytes(header: "{}", payload: [], lengthOverride: UInt64.max), "a header length of 2^64-1")
    }

    func testHeaderThatIsNotJSONIsRejected() throws {
        try assertCorrupt(fileBytes(header: "this is not json at all", payload: fourFloats), "a non-JSON header")
        try assertCorrupt(fileBytes(header: "[1, 2, 3]", payload: []), "a JSON array header")
    }

    func testOffsetsBeyondDataAreRejected() throws {
        try assertCorrupt(fileBytes(header: #"{"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, payload: [0, 0, 0, 0]),
                          "data_offsets beyond the data (truncated file)")
        try assertCorrupt(fileBytes(header: #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, payload: fourFloats),
                          "reversed data_offsets")
        try assertCorrupt(fileBytes(header: #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}"#, payload: fourFloats),
                          "negative data_offsets")
    }

    func testByteCountNotMatchingShapeIsRejected() throws {
        try assertCorrupt(fileBytes(header: #"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}"#, payload: fourFloats),
                          "16 bytes for F32 [3]")
        try assertCorrupt(fileBytes(header: #"{"x":{"dtype":"I64","shape":[4],"data_offsets":[0,16]}}"#, payload: fourFloats),
                          "16 bytes for I64 [4]")
    }

    func testUnknownDtypeIsRejected() throws {
        try assertCorrupt(fileBytes(header: #"{"x":{"dtype":"F31","shape":[4],"data_offsets":[0,16]}}"#, payload: fourFloats),
                          "an unknown dtype")
    }

    func testMissingFieldsAreRejected() throws {
        try assertCorrupt(fileBytes(header: #"{"x":{"shape":[4],"data_offsets":[0,16]}}"#, payload: fourFloats), "no dtype")
        try assertCorrupt(fileBytes(header: #"{"x":{"dtype":"F32","data_offsets":[0,16]}}"#, payload: fourFloats), "no shape")
        try assertCorrupt(fileBytes(header: #"{"x":{"dtype":"F32","shape":[4]}}"#, payload: fourFloats), "no data_offsets")
        try assertCorrupt(fileBytes(header: #"{"x":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}}"#, payload: fourFloats),
                          "a negative dimension")
        try assertCorrupt(fileBytes(header: #"{"__metadata__":{"n":5}}"#, payload: []), "non-string metadata")
    }

    func testHugeShapeIsRejectedWithoutCrashing() throws {
        try assertCorrupt(fileBytes(header: #"{"x":{"dtype":"F64","shape":[1000000000000,1000000000000,1000000000000],"data_offsets":[0,16]}}"#,
                                    payload: fourFloats), "a shape whose size overflows")
    }

    /// A shape whose element count fits but whose byte count does not (2^62 elements of 4 bytes).
    func testByteCountOverflowIsRejectedWithoutCrashing() throws {
        try assertCorrupt(fileBytes(header: #"{"x":{"dtype":"F32","shape":[2147483648,2147483648],"data_offsets":[0,16]}}"#,
                                    payload: fourFloats), "a shape whose byte count overflows")
    }

    func testMissingFileIsRejected() {
        let path = temporaryPath("does-not-exist.safetensors")
        XCTAssertThrowsError(try SafetensorsFile(contentsOf: path)) { error in
            guard let error = error as? SafetensorsError else {
                XCTFail("expected a SafetensorsError, got \(type(of: error))")
                return
            }
            XCTAssertEqual(error.path, path)
            XCTAssertTrue(error.description.contains("does-not-exist.safetensors"))
        }
        // A folder where a file is expected.
        XCTAssertThrowsError(try SafetensorsFile(contentsOf: folder.path)) { error in
            XCTAssertTrue(error is SafetensorsError, "reading a folder threw \(type(of: error))")
        }
        let (model, _, _, _) = makeModel(seed: 1)
        XCTAssertThrowsError(try model.loadWeights(from: path)) { error in
            XCTAssertTrue(error is SafetensorsError, "loadWeights of a missing file threw \(type(of: error))")
        }
    }

    func testWritingIntoMissingFolderThrows() {
        let file = SafetensorsFile(tensors: ["x": .init(floats: [1], shape: [1])])
        XCTAssertThrowsError(try file.write(to: temporaryPath("no/such/folder/x.safetensors")))
    }
}
