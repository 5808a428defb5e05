import Captioning
import Foundation
import NN
import XCTest

/// The graph-free inference paths against the graph they replace: the encoder with batch norm
/// folded and ReLU/pooling fused, and the decoder stepper (rows, reordering, both attention
/// activations, zero initial state), and batched greedy decoding against one image at a time.
final class CaptionInferenceTests: XCTestCase {
    func model(vocabulary: Int = 29, activation: AttentionActivation = .tanh, zeroInit: Bool = false) -> Captioner {
        var c = CaptionerConfiguration(vocabularySize: vocabulary)
        c.featureSize = 24; c.embeddingSize = 12; c.attentionSize = 20; c.hiddenSize = 32
        c.attentionActivation = activation; c.zeroInitialState = zeroInit
        let model = Captioner(c, seed: 11)
        // Batch-norm statistics and affine parameters away from their initial 0/1, so folding matters.
        var g = SeededGenerator(seed: 3)
        for bn in [model.encoder.bn1, model.encoder.bn2, model.encoder.bn3, model.encoder.bn4] {
            for i in 0..<bn.weight.count {
                bn.weight.data[i] = Float.random(in: 0.5...1.5, using: &g)
                bn.bias.data[i] = Float.random(in: -0.3...0.3, using: &g)
                bn.runningMean.data[i] = Float.random(in: -0.2...0.2, using: &g)
                bn.runningVariance.data[i] = Float.random(in: 0.3...2, using: &g)
            }
        }
        model.eval()
        return model
    }

    func assertClose(_ actual: [Float], _ expected: [Float], _ name: String, tolerance: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "\(name): size", file: file, line: line)
        let scale = expected.map { abs($0) }.max() ?? 0
        for i in 0..<min(actual.count, expected.count) where !(abs(actual[i] - expected[i]) <= tolerance * (abs(expected[i]) + scale)) {
            XCTFail("\(name)[\(i)]: \(actual[i]) vs \(expected[i]) (scale \(scale))", file: file, line: line)
            return
        }
    }

    /// Eval mode without gradients takes the folded path; with gradients on, the graph. Sides 8
    /// (a 1 x 1 feature map), 40 (bands of uneven height) and 64, two images per batch.
    func testFoldedEncoderMatchesTheGraph() {
        let m = model()
        for side in [8, 40, 64] {
            var g = SeededGenerator(seed: UInt64(side))
            let images = Tensor.normal([2, 3, side, side], generator: &g)
            let graph = m.encoder(images)
            let folded = withoutGradient { m.encoder(images) }
            XCTAssertEqual(folded.shape, graph.shape)
            assertClose(folded.values, graph.values, "features at side \(side)")
        }
    }

    /// Three steps of the stepper against `AttentionDecoder.step` on the same rows, with the rows
    /// reordered (a beam's parents, with a repeat) between steps.
    func checkStepper(activation: AttentionActivation, zeroInit: Bool) {
        let m = model(activation: activation, zeroInit: zeroInit)
        var g = SeededGenerator(seed: 9)
        let features = withoutGradient { m.encoder(Tensor.normal([2, 3, 16, 16], generator: &g)) }
        let stepper = AttentionDecoderStepper(decoder: m.decoder)
        stepper.begin(features: features.data, images: 2, locations: 4)
        var images: [Int32] = [0, 1]
        var state = withoutGradient { m.decoder.initialState(features) }
        var tokens: [Int32] = [1, 1]
        let schedule: [[Int]] = [[1, 0, 0], [2, 0, 1, 2]]
        for stepIndex in 0..<3 {
            let out = withoutGradient { () -> (Tensor, Tensor, LSTMState) in
                let rowFeatures = features.indexSelect(images)
                let o = m.decoder.step(tokens: tokens, features: rowFeatures, projectedFeatures: m.decoder.attention.projectFeatures(rowFeatures), state: state)
                return (o.logits.logSoftmax(axis: 1), o.alpha, o.state)
            }
            stepper.step(tokens: tokens)
            let rows = tokens.count
            assertClose((0..<rows).flatMap { Array(stepper.logProbabilities(row: $0)) }, out.0.values, "log-probabilities at step \(stepIndex)", tolerance: 1e-4)
            assertClose((0..<rows).flatMap { Array(stepper.alpha(row: $0)) }, out.1.values, "alphas at step \(stepIndex)")
            state = out.2
            if stepIndex < schedule.count {
                let parents = schedule[stepIndex]
                stepper.keepRows(parents)
                let selected = parents.map { Int32($0) }
                state = withoutGradient { LSTMState(h: state.h.indexSelect(selected), c: state.c.indexSelect(selected)) }
                images = parents.map { images[$0] }
                tokens = parents.enumerated().map { Int32(($0.offset * 7 + $0.element * 3 + stepIndex) % 29) }
            }
        }
    }

    func testStepperMatchesTheGraphStep() { checkStepper(activation: .tanh, zeroInit: false) }
    func testStepperMatchesTheGraphStepWithReluAndZeroState() { checkStepper(activation: .relu, zeroInit: true) }

    /// Batched greedy decoding gives each image the caption, log-probabilities and attention it
    /// gets alone (rows that finish early leave the batch).
    func testGreedyBatchEqualsOneImageAtATime() {
        let m = model(vocabulary: 9)
        // Larger initial-state and output weights, so the image decides the words.
        for t in [m.decoder.initH.weight, m.decoder.initC.weight, m.decoder.fc.weight] {
            for i in 0..<t.count { t.data[i] *= 20 }
        }
        var g = SeededGenerator(seed: 4)
        let features = Tensor.normal([6, 4, 24], generator: &g)   // six images' features, L = 4, D = 24
        var varied = 0
        // Each word in turn as the end token: with some of them the images finish at different steps.
        for end in Int32(0)..<9 {
            let decoder = CaptionDecoder(model: m, startToken: 1, endToken: end)
            let batch = decoder.greedyBatch(features: features, maximumLength: 10)
            var lengths = Set<Int>()
            for i in 0..<6 {
                let alone = decoder.greedy(features: features.slice(axis: 0, i..<(i + 1)), maximumLength: 10)
                XCTAssertEqual(batch[i].tokens, alone.tokens, "image \(i), end \(end)")
                XCTAssertEqual(batch[i].finished, alone.finished)
                for (a, b) in zip(batch[i].tokenLogProbabilities, alone.tokenLogProbabilities) { XCTAssertEqual(a, b, accuracy: 1e-5) }
                assertClose(batch[i].alphas.flatMap { $0 }, alone.alphas.flatMap { $0 }, "alphas of image \(i)")
                lengths.insert(alone.tokens.count)
            }
            if lengths.count > 1 { varied += 1 }
        }
        XCTAssertGreaterThan(varied, 0, "some end token should make the images finish at different steps, or this test means little")
    }
}
