import NN
import XCTest

/// The generic runner: stacking, both directions, masks, batch-first, truncated BPTT, names.
final class RecurrentLayerTests: XCTestCase {
    func testParameterNamesFollowPyTorch() {
        var g = SeededGenerator(seed: 0)
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, layers: 2, bidirectional: true, generator: &g)
        let names = lstm.namedParameters().map(\.name)
        XCTAssertEqual(names.count, 16)
        XCTAssertEqual(Array(names.prefix(4)), ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
        XCTAssertTrue(names.contains("bias_hh_l1_reverse"))
        XCTAssertEqual(lstm.namedParameters().first { $0.name == "weight_ih_l1" }?.tensor.shape, [16, 8])
        let jordan = JordanRNN(inputSize: 3, hiddenSize: 4, generator: &g)
        XCTAssertEqual(jordan.namedParameters().map(\.name), ["weight_ih_l0", "weight_yh_l0", "bias_h_l0", "weight_hy_l0", "bias_y_l0"])
    }

    func testOutputShapesBatchFirstAndBidirectional() {
        var g = SeededGenerator(seed: 1)
        let gru = GRU(inputSize: 3, hiddenSize: 4, layers: 2, bidirectional: true, batchFirst: true, generator: &g)
        let (out, states) = gru(Tensor(zeros: [2, 5, 3]))
        XCTAssertEqual(out.shape, [2, 5, 8])
        XCTAssertEqual(states.count, 4)
        XCTAssertEqual(states[3].shape, [2, 4])
    }

    /// Finite differences through a stacked, bidirectional, masked runner of each cell type.
    func testRunnerGradientsWithMasksAndBothDirections() {
        var g = SeededGenerator(seed: 2)
        let lengths = [3, 1, 2]
        let runners: [(String, any Layer, (Tensor) -> Tensor)] = {
            let lstm = LSTM(inputSize: 2, hiddenSize: 3, layers: 2, bidirectional: true, generator: &g)
            let gru = GRU(inputSize: 2, hiddenSize: 3, layers: 2, bidirectional: true, generator: &g)
            let elman = ElmanRNN(inputSize: 2, hiddenSize: 3, layers: 2, bidirectional: true, generator: &g)
            let jordan = JordanRNN(inputSize: 2, hiddenSize: 3, layers: 2, bidirectional: true, generator: &g)
            return [("lstm", lstm, { lstm($0, lengths: lengths).output }), ("gru", gru, { gru($0, lengths: lengths).output }),
                    ("elman", elman, { elman($0, lengths: lengths).output }), ("jordan", jordan, { jordan($0, lengths: lengths).output })]
        }()
        var weights = SeededGenerator(seed: 3)
        for (name, layer, run) in runners {
            let x = Tensor.uniform([3, 3, 2], low: -1, high: 1, generator: &weights, requiresGrad: true)
            let params = layer.namedParameters().map(\.tensor)
            let out0 = run(x)
            let upstream = (0..<out0.count).map { _ in weights.uniform(-1, 1) }
            out0.backward(gradient: upstream)
            func loss() -> Double {
                let y = withoutGradient { run(x) }.values
                return zip(y, upstream).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            }
            for (label, t) in [("x", x), ("first weight", params[0]), ("last bias", params[params.count - 1])] {
                let analytic = t.gradValues!
                var worst = 0.0, norm = 0.0
                for i in 0..<t.count {
                    let saved = t.data[i]
                    t.data[i] = saved + 1e-2; let plus = loss()
                    t.data[i] = saved - 1e-2; let minus = loss()
                    t.data[i] = saved
                    let numeric = (plus - minus) / 2e-2
                    worst = max(worst, abs(numeric - Double(analytic[i])))
                    norm = max(norm, abs(numeric))
                }
                XCTAssertLessThan(worst, 1e-2 * max(norm, 0.1), "\(name): gradient of \(label) is off by \(worst)")
            }
            // Padded positions of the input receive no gradient.
            let gx = x.gradValues!
            for (b, length) in lengths.enumerated() {
                for s in length..<3 { XCTAssertEqual(gx[(s * 3 + b) * 2], 0, "\(name): padded x[\(s), \(b)] got a gradient") }
            }
        }
    }

    /// Truncated BPTT: the state carried into the second chunk is detached, so the second chunk's
    /// loss sends no gradient into the first chunk, and its gradients equal those of a fresh run
    /// started from the same state values.
    func testTruncatedBPTTCarriesStateWithoutGradient() {
        var g = SeededGenerator(seed: 4)
        let lstm = LSTM(inputSize: 2, hiddenSize: 3, generator: &g)
        let store = lstm.makeParameterStore()
        let x1 = Tensor.uniform([4, 2, 2], low: -1, high: 1, generator: &g, requiresGrad: true)
        let x2 = Tensor.uniform([4, 2, 2], low: -1, high: 1, generator: &g)
        let first = lstm(x1)
        let carried = first.states.map { $0.detached() }
        store.zeroGradients()
        lstm(x2, states: carried).output.sum().backward()
        XCTAssertNil(x1.gradValues, "gradient leaked across the truncation")
        let truncatedGradients = Array(store.gradients)
        store.zeroGradients()
        let fresh = carried.map { LSTMState(h: $0.h.copy(), c: $0.c.copy()) }
        lstm(x2, states: fresh).output.sum().backward()
        XCTAssertEqual(truncatedGradients, Array(store.gradients))
        // And the carried state matters: starting from zeros gives other outputs.
        XCTAssertNotEqual(lstm(x2, states: carried).output.values, lstm(x2).output.values)
    }

    func testStackedDropoutOnlyInTraining() {
        var g = SeededGenerator(seed: 5)
        let rnn = ElmanRNN(inputSize: 2, hiddenSize: 8, layers: 2, dropout: 0.5, generator: &g)
        let x = Tensor.uniform([3, 2, 2], low: -1, high: 1, generator: &g)
        rnn.eval()
        let a = rnn(x).output.values, b = rnn(x).output.values
        XCTAssertEqual(a, b)
        rnn.train()
        XCTAssertNotEqual(rnn(x).output.values, a)
    }

    func testForgetBiasSetsTheForgetGate() {
        var g = SeededGenerator(seed: 6)
        let cell = LSTMCell(inputSize: 2, hiddenSize: 3, forgetBias: 1, generator: &g)
        let total = zip(cell.biasIH!.values, cell.biasHH!.values).map { $0 + $1 }
        XCTAssertEqual(Array(total[3..<6]), [1, 1, 1])
    }
}
