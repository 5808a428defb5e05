import Captioning
import Foundation
import NN
import XCTest

/// The captioner against the same model in PyTorch (`Scripts/reference/captioner_fixture.py`):
/// logits, attention, both loss terms, every gradient, the batch-norm statistics, three Adam steps.
final class CaptionerParityTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/captioner")

    func load(_ name: String) throws -> SafetensorsFile {
        try SafetensorsFile(contentsOf: Self.folder.appendingPathComponent(name).path)
    }

    func floats(_ f: SafetensorsFile, _ key: String) throws -> [Float] {
        guard let e = f.tensors[key], let v = e.floats else { throw SafetensorsError(path: "fixture", reason: "no tensor \(key)") }
        return v
    }

    /// `|a - e| <= tolerance * (|e| + max_j |e_j|)`: relative to the element and to the tensor's
    /// scale, so a small gradient is held to the precision of its largest neighbours (an absolute
    /// floor of 1 would let a 3% error in a 1e-2-sized gradient through).
    func assertClose(_ actual: [Float], _ expected: [Float], _ name: String, tolerance: Float = 1e-4, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "\(name): size", file: file, line: line)
        let scale = expected.map { abs($0) }.max() ?? 0
        var worst: Float = 0, at = 0
        for i in 0..<min(actual.count, expected.count) {
            let e = abs(actual[i] - expected[i]) / max(abs(expected[i]) + scale, 1e-12)
            if !(e <= worst) { worst = e; at = i }
        }
        XCTAssertLessThanOrEqual(worst, tolerance, "\(name): worst error \(worst) (relative to the tensor's scale \(scale)) at \(at): \(actual.isEmpty ? .nan : actual[at]) vs \(expected.isEmpty ? .nan : expected[at])", file: file, line: line)
    }

    /// `|a - e| <= tolerance * max(1, |e|)`, for parameters after Adam steps: Adam moves every weight
    /// by about the learning rate times the sign of its averaged gradient, so where a gradient is
    /// near 0 rounding can decide the direction of a 1e-3 step; values, not gradients, are compared.
    func assertCloseElementwise(_ actual: [Float], _ expected: [Float], _ name: String, tolerance: Float = 1e-4, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "\(name): size", file: file, line: line)
        for i in 0..<min(actual.count, expected.count) where !(abs(actual[i] - expected[i]) <= tolerance * max(1, abs(expected[i]))) {
            XCTFail("\(name)[\(i)]: \(actual[i]) vs \(expected[i])", file: file, line: line)
            return
        }
    }

    /// The model of a fixture with its initial weights, and its inputs.
    func setUpModel(_ f: SafetensorsFile, activation: AttentionActivation, zeroInit: Bool) throws -> (Captioner, Tensor, [Int32], [Int]) {
        var c = CaptionerConfiguration(vocabularySize: 23)
        c.featureSize = 16; c.embeddingSize = 12; c.attentionSize = 10; c.hiddenSize = 20
        c.imageSize = 32; c.dropout = 0; c.alphaC = 1; c.attentionActivation = activation; c.zeroInitialState = zeroInit
        let model = Captioner(c, seed: 5)
        var entries: [String: SafetensorsFile.Entry] = [:]
        for (k, v) in f.tensors where k.hasPrefix("encoder.") || k.hasPrefix("decoder.") { entries[k] = v }
        try model.loadStateDict(entries, source: "fixture")
        let images = Tensor(shape: f.tensors["images"]!.shape, values: try floats(f, "images"))
        let captions = f.tensors["captions"]!.integers!.map { Int32($0) }
        let lengths = f.tensors["lengths"]!.integers!.map { Int($0) }
        return (model, images, captions, lengths)
    }

    func checkForwardAndGradients(_ name: String, activation: AttentionActivation, zeroInit: Bool) throws -> (Captioner, Tensor, [Int32], [Int], SafetensorsFile) {
        let f = try load(name)
        let (model, images, captions, lengths) = try setUpModel(f, activation: activation, zeroInit: zeroInit)
        model.train()
        let store = model.makeParameterStore()
        store.zeroGradients()
        let features = model.encoder(images)
        let (logits, alphas) = model.teacherForced(features: features, captions: captions, lengths: lengths)
        let loss = captioningLoss(logits: logits, alphas: alphas, captions: captions, lengths: lengths, alphaC: 1)
        assertClose(logits.values, try floats(f, "logits"), "\(name) logits")
        assertClose(alphas.values, try floats(f, "alphas"), "\(name) alphas")
        assertClose([loss.crossEntropy.item], try floats(f, "ce_loss"), "\(name) cross-entropy")
        assertClose([loss.attention.item], try floats(f, "attention_loss"), "\(name) attention loss")
        assertClose([loss.total.item], try floats(f, "loss"), "\(name) loss")
        loss.total.backward()
        for (pname, tensor) in model.namedParameters() {
            if pname == "decoder.attention.full_att.bias" {
                // Softmax ignores a shift shared by every score: this gradient is 0 up to rounding.
                XCTAssertLessThan(abs(tensor.gradValues?[0] ?? 1), 1e-6, "\(name) grad.\(pname)")
                XCTAssertLessThan(abs(try floats(f, "grad." + pname)[0]), 1e-6)
                continue
            }
            assertClose(tensor.gradValues ?? [], try floats(f, "grad." + pname), "\(name) grad.\(pname)")
        }
        for buffer in model.namedBuffers() {
            let expected = f.tensors["after_forward." + buffer.name].flatMap { $0.floats }
            XCTAssertNotNil(expected, "fixture lacks after_forward.\(buffer.name)")
            assertClose(buffer.tensor.values, expected ?? [], "\(name) after_forward.\(buffer.name)")
        }
        return (model, images, captions, lengths, f)
    }

    func testLogitsAttentionLossAndGradientsMatchPyTorch() throws {
        _ = try checkForwardAndGradients("parity.safetensors", activation: .tanh, zeroInit: false)
    }

    func testReluAttentionAndZeroInitialStateMatchPyTorch() throws {
        _ = try checkForwardAndGradients("parity_relu_zero_init.safetensors", activation: .relu, zeroInit: true)
    }

    func testThreeAdamStepsMatchPyTorch() throws {
        let f = try load("parity.safetensors")
        let (model, images, captions, lengths) = try setUpModel(f, activation: .tanh, zeroInit: false)
        model.train()
        let store = model.makeParameterStore()
        let adam = Adam(ParameterRange(store: store), learningRate: 1e-3)
        for step in 1...3 {
            store.zeroGradients()
            let (logits, alphas) = model.teacherForced(features: model.encoder(images), captions: captions, lengths: lengths)
            let loss = captioningLoss(logits: logits, alphas: alphas, captions: captions, lengths: lengths, alphaC: 1)
            assertClose([loss.total.item], try floats(f, "loss_step\(step)"), "loss of step \(step)")
            loss.total.backward()
            adam.step()
        }
        for (name, tensor) in model.namedParameters() {
            // full_att.bias gets a gradient that is exactly 0 in theory (softmax ignores a shared
            // shift); Adam turns float rounding into a step there, so it cannot be compared.
            if name == "decoder.attention.full_att.bias" { continue }
            assertCloseElementwise(tensor.values, try floats(f, "after_adam." + name), "after_adam.\(name)")
        }
        for buffer in model.namedBuffers() {
            assertCloseElementwise(buffer.tensor.values, f.tensors["after_adam." + buffer.name]?.floats ?? [], "after_adam.\(buffer.name)")
        }
    }

    /// Beam search with one beam is greedy decoding; scoring the greedy caption gives its log-probabilities.
    func testBeamOfOneIsGreedyAndScoresAgree() throws {
        let f = try load("parity.safetensors")
        let (model, images, _, _) = try setUpModel(f, activation: .tanh, zeroInit: false)
        model.eval()
        let decoder = CaptionDecoder(model: model, startToken: 1, endToken: 2)
        for i in 0..<3 {
            let features = withoutGradient { model.encoder(images.slice(axis: 0, i..<(i + 1))) }
            let greedy = decoder.greedy(features: features, maximumLength: 12)
            // Greedy by hand: argmax at every step through teacher forcing of the prefix.
            var tokens: [Int32] = []
            for _ in 0..<12 {
                let lp = decoder.score(features: features, tokens: tokens + [0]).tokenLogProbabilities
                _ = lp
                let (logits, _) = withoutGradient { model.teacherForced(features: features, captions: [1] + tokens + [0], lengths: [tokens.count + 2]) }
                let last = Array(logits.values.suffix(23))
                let next = Int32(last.indices.max { last[$0] < last[$1] }!)
                tokens.append(next)
                if next == 2 { break }
            }
            XCTAssertEqual(greedy.tokens, tokens, "image \(i)")
            let beam = decoder.beamSearch(features: features, beamSize: 1, maximumLength: 12)
            XCTAssertEqual(beam.first?.tokens, greedy.tokens)
            let scored = decoder.score(features: features, tokens: greedy.tokens)
            for (a, b) in zip(scored.tokenLogProbabilities, greedy.tokenLogProbabilities) { XCTAssertEqual(a, b, accuracy: 1e-5) }
            // A wider beam never finds a worse best finished caption than greedy when both finish.
            let wide = decoder.beamSearch(features: features, beamSize: 4, maximumLength: 12, nBest: 3)
            XCTAssertFalse(wide.isEmpty)
            if greedy.finished, wide[0].finished { XCTAssertGreaterThanOrEqual(wide[0].logProbability, greedy.logProbability - 1e-6) }
            XCTAssertLessThanOrEqual(wide.count, 3)
        }
    }
}
