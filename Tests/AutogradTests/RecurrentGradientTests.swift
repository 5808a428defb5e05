import Autograd
import Kernels
import XCTest
import Foundation

/// Finite-difference checks of the fused recurrent sequence ops, with and without length masks.
final class RecurrentGradientTests: XCTestCase {
    let T = 4, B = 3, I = 2, H = 3

    func testLSTMSequenceGradients() {
        for lengths in [nil, [4, 2, 1]] as [[Int]?] {
            let inputs = [random([T, B, I], 1), random([B, H], 2), random([B, H], 3),
                          random([4 * H, I], 4), random([4 * H, H], 5), random([4 * H], 6), random([4 * H], 7)]
            checkGradients(inputs, eps: 1e-2, tolerance: 1e-2) { t in
                let r = lstmSequence(t[0], h0: t[1], c0: t[2], weightIH: t[3], weightHH: t[4], biasIH: t[5], biasHH: t[6], lengths: lengths)
                return Tensor.concat([r.output.reshaped([-1]), r.h.reshaped([-1]) * 2, r.c.reshaped([-1]) * 3], axis: 0)
            }
        }
    }

    /// Hidden sizes that are multiples of 8 take the specialised standard-activation kernels.
    func testLSTMSequenceGradientsVectorisedPath() {
        let h = 8
        let inputs = [random([3, 2, I], 50), random([2, h], 51), random([2, h], 52),
                      random([4 * h, I], 53), random([4 * h, h], 54), random([4 * h], 55)]
        checkGradients(inputs, tolerance: 1e-2) { t in
            let r = lstmSequence(t[0], h0: t[1], c0: t[2], weightIH: t[3], weightHH: t[4], biasIH: t[5], biasHH: nil, lengths: [3, 2])
            return Tensor.concat([r.output.reshaped([-1]), r.c.reshaped([-1])], axis: 0)
        }
        // One step by hand: c = σ(f) c0 + σ(i) tanh(g), h = σ(o) tanh(c).
        let x = inputs[0].slice(axis: 0, 0..<1)
        let r = lstmSequence(x, h0: inputs[1], c0: inputs[2], weightIH: inputs[3], weightHH: inputs[4], biasIH: inputs[5], biasHH: nil)
        let pre = (matmul(x.reshaped([2, I]), inputs[3], transposeB: true) + matmul(inputs[1], inputs[4], transposeB: true) + inputs[5]).values
        for row in 0..<2 {
            for j in 0..<h {
                func sig(_ v: Float) -> Float { 1 / (1 + Foundation.exp(-v)) }
                let a = pre[(row * 4 * h)...]
                let c = sig(a[row * 4 * h + h + j]) * inputs[2].values[row * h + j] + sig(a[row * 4 * h + j]) * Foundation.tanh(a[row * 4 * h + 2 * h + j])
                XCTAssertEqual(r.c.values[row * h + j], c, accuracy: 1e-5)
                XCTAssertEqual(r.h.values[row * h + j], sig(a[row * 4 * h + 3 * h + j]) * Foundation.tanh(c), accuracy: 1e-5)
            }
        }
    }

    func testLSTMWithTextbookActivationsGradients() {
        let activations = LSTMActivations(gate: .sigmoid, candidate: .identity, cell: .identity)
        let inputs = [random([T, B, I], 8), random([B, H], 9), random([B, H], 10), random([4 * H, I], 11), random([4 * H, H], 12)]
        checkGradients(inputs, tolerance: 1e-2) { t in
            let r = lstmSequence(t[0], h0: t[1], c0: t[2], weightIH: t[3], weightHH: t[4], biasIH: nil, biasHH: nil, activations: activations)
            return Tensor.concat([r.output.reshaped([-1]), r.c.reshaped([-1])], axis: 0)
        }
    }

    func testGRUSequenceGradients() {
        for lengths in [nil, [1, 4, 3]] as [[Int]?] {
            let inputs = [random([T, B, I], 13), random([B, H], 14), random([3 * H, I], 15), random([3 * H, H], 16),
                          random([3 * H], 17), random([3 * H], 18)]
            checkGradients(inputs, tolerance: 1e-2) { t in
                let r = gruSequence(t[0], h0: t[1], weightIH: t[2], weightHH: t[3], biasIH: t[4], biasHH: t[5], lengths: lengths)
                return Tensor.concat([r.output.reshaped([-1]), r.h.reshaped([-1]) * 2], axis: 0)
            }
        }
    }

    /// A batch of 16 runs as two row blocks on two cores, each making its rows' input gradient step
    /// by step (`StepInputGradient`) and its share of the weight gradients (`gemmOverRowBlocks`);
    /// five steps pack the weights (`RecurrentProduct`).
    func testGRUAndLSTMGradientsInRowBlocks() {
        let steps = 5, batch = 16, lengths = (0..<batch).map { 1 + $0 % steps }
        for masked in [false, true] {
            let gru = [random([steps, batch, I], 60), random([batch, H], 61), random([3 * H, I], 62), random([3 * H, H], 63),
                       random([3 * H], 64), random([3 * H], 65)]
            checkGradients(gru, tolerance: 1e-2) { t in
                let r = gruSequence(t[0], h0: t[1], weightIH: t[2], weightHH: t[3], biasIH: t[4], biasHH: t[5], lengths: masked ? lengths : nil)
                return Tensor.concat([r.output.reshaped([-1]), r.h.reshaped([-1]) * 2], axis: 0)
            }
            let lstm = [random([steps, batch, I], 66), random([batch, H], 67), random([batch, H], 68),
                        random([4 * H, I], 69), random([4 * H, H], 70), random([4 * H], 71)]
            checkGradients(lstm, eps: 1e-2, tolerance: 1e-2) { t in
                let r = lstmSequence(t[0], h0: t[1], c0: t[2], weightIH: t[3], weightHH: t[4], biasIH: t[5], biasHH: nil,
                                     lengths: masked ? lengths : nil)
                return Tensor.concat([r.output.reshaped([-1]), r.c.reshaped([-1]) * 3], axis: 0)
            }
        }
    }

    func testElmanSequenceGradients() {
        for (activation, lengths) in [(RecurrentActivation.tanh, nil), (.identity, [2, 4, 3]), (.tanh, [3, 1, 4])] as [(RecurrentActivation, [Int]?)] {
            let inputs = [random([T, B, I], 19), random([B, H], 20), random([H, I], 21), random([H, H], 22), random([H], 23), random([H], 24)]
            checkGradients(inputs, tolerance: 1e-2) { t in
                let r = elmanSequence(t[0], h0: t[1], weightIH: t[2], weightHH: t[3], biasIH: t[4], biasHH: t[5],
                                      activation: activation, lengths: lengths)
                return Tensor.concat([r.output.reshaped([-1]), r.h.reshaped([-1]) * 2], axis: 0)
            }
        }
    }

    func testJordanSequenceGradients() {
        let O = 2
        for lengths in [nil, [4, 1, 2]] as [[Int]?] {
            let inputs = [random([T, B, I], 25), random([B, O], 26), random([H, I], 27), random([H, O], 28), random([H], 29),
                          random([O, H], 30), random([O], 31)]
            checkGradients(inputs, tolerance: 1e-2) { t in
                let r = jordanSequence(t[0], y0: t[1], weightIH: t[2], weightYH: t[3], biasH: t[4], weightHY: t[5], biasY: t[6],
                                       activation: .tanh, outputActivation: .sigmoid, lengths: lengths)
                return Tensor.concat([r.output.reshaped([-1]), r.y.reshaped([-1]) * 2], axis: 0)
            }
        }
    }

    func testJordanForwardByHand() {
        // One unit everywhere, identity activations: h_t = x_t + y_{t-1}, y_t = 2 h_t + 1.
        let x = Tensor(shape: [3, 1, 1], values: [1, 2, 3])
        let r = jordanSequence(x, y0: Tensor(zeros: [1, 1]), weightIH: Tensor(shape: [1, 1], values: [1]),
                               weightYH: Tensor(shape: [1, 1], values: [1]), biasH: nil,
                               weightHY: Tensor(shape: [1, 1], values: [2]), biasY: Tensor(shape: [1], values: [1]),
                               activation: .identity, outputActivation: .identity)
        // y1 = 2*1 + 1 = 3; y2 = 2*(2+3) + 1 = 11; y3 = 2*(3+11) + 1 = 29.
        XCTAssertEqual(r.output.values, [3, 11, 29])
        XCTAssertEqual(r.y.values, [29])
    }

    func testMaskedRowsCarryStateAndOutputZeros() {
        let x = random([T, B, I], 32)
        let w = random([H, I], 33), u = random([H, H], 34)
        let masked = elmanSequence(x, h0: Tensor(zeros: [B, H]), weightIH: w, weightHH: u, biasIH: nil, biasHH: nil, lengths: [4, 2, 0])
        let out = masked.output.values
        // Row 1 stops after 2 steps: outputs 0 at steps 2 and 3; final state = output at step 1.
        for s in 2..<4 { for j in 0..<H { XCTAssertEqual(out[(s * B + 1) * H + j], 0) } }
        for j in 0..<H { XCTAssertEqual(masked.h.values[H + j], out[(1 * B + 1) * H + j]) }
        // Row 2 has no steps: its final state is the initial state (0).
        XCTAssertEqual(Array(masked.h.values[(2 * H)...]), [0, 0, 0])
        // Row 0 is unaffected by the others' lengths.
        let full = elmanSequence(x, h0: Tensor(zeros: [B, H]), weightIH: w, weightHH: u, biasIH: nil, biasHH: nil)
        for s in 0..<4 { for j in 0..<H { XCTAssertEqual(out[s * B * H + j], full.output.values[s * B * H + j], accuracy: 1e-6) } }
    }

    func testReversePaddedReversesEachRowWithinItsLength() {
        let x = Tensor(shape: [3, 2, 1], values: [1, 10, 2, 20, 3, 30])
        XCTAssertEqual(reversePadded(x, lengths: [3, 2]).values, [3, 20, 2, 10, 1, 0])
        XCTAssertEqual(reversePadded(x, lengths: nil).values, [3, 30, 2, 20, 1, 10])
        checkGradients([random([4, 3, 2], 35)]) { reversePadded($0[0], lengths: [4, 1, 3]).squared() }
    }
}

/// Batches large enough to be split into row blocks (one per core) give, row for row, what each
/// row gives alone; the fast element-wise functions match the libm ones.
final class RecurrentBatchSplitTests: XCTestCase {
    func testRowBlocksMatchSingleRows() {
        checkRowBlocks("lstm", gates: 4) { x, w, u, b, lengths in
            let zeros = Tensor(zeros: [x.shape[1], u.shape[1]])
            return lstmSequence(x, h0: zeros, c0: zeros, weightIH: w, weightHH: u, biasIH: b, biasHH: nil, lengths: lengths).output
        }
        checkRowBlocks("gru", gates: 3) { x, w, u, b, lengths in
            gruSequence(x, h0: Tensor(zeros: [x.shape[1], u.shape[1]]), weightIH: w, weightHH: u, biasIH: b, biasHH: nil, lengths: lengths).output
        }
        // An Elman layer has no gates to damp it: recurrent weights of 1/sqrt(H) keep its states
        // from amplifying the products' rounding differences between the two layouts.
        checkRowBlocks("elman", gates: 1, recurrentRange: 0.1) { x, w, u, b, lengths in
            elmanSequence(SequenceInput(x), h0: Tensor(zeros: [x.shape[1], u.shape[1]]), weightIH: w, weightHH: u, biasIH: b, biasHH: nil,
                          lengths: lengths).output
        }
    }

    /// A batch of 16 rows (two row blocks, each making its input products step by step) against
    /// each row alone (one block, one input product over all steps up front): outputs and the
    /// `weight_hh` gradient.
    private func checkRowBlocks(_ name: String, gates: Int, recurrentRange: Float = 1,
                                _ run: (_ x: Tensor, _ w: Tensor, _ u: Tensor, _ b: Tensor, _ lengths: [Int]) -> Tensor) {
        let T = 6, B = 16, I = 3, H = 90
        let x = random([T, B, I], 40), w = random([gates * H, I], 41), u = random([gates * H, H], 42, low: -recurrentRange, high: recurrentRange), b = random([gates * H], 43)
        for t in [x, w, u, b] { t.setRequiresGrad(true) }
        let lengths = (0..<B).map { 1 + $0 % T }
        let all = run(x, w, u, b, lengths)
        let upstream = (0..<all.count).map { Float(($0 * 7) % 13) / 13 - 0.5 }
        all.backward(gradient: upstream)
        let batchGradient = u.gradValues!
        var rowGradientSum = [Float](repeating: 0, count: u.count)
        for row in 0..<B {
            u.zeroGrad()
            let one = run(x.detached().slice(axis: 1, row..<(row + 1)), w, u, b, [lengths[row]])
            let expected = one.values
            for s in 0..<T {
                for j in 0..<H {
                    XCTAssertEqual(all.values[(s * B + row) * H + j], expected[s * H + j], accuracy: 1e-5, "\(name): row \(row) step \(s)")
                }
            }
            one.backward(gradient: (0..<T * H).map { upstream[((($0 / H) * B) + row) * H + $0 % H] })
            for i in 0..<u.count { rowGradientSum[i] += u.gradValues![i] }
        }
        for i in 0..<u.count { XCTAssertEqual(batchGradient[i], rowGradientSum[i], accuracy: 1e-4, "\(name): weight_hh gradient \(i)") }
    }

    func testFastMathMatchesLibm() {
        var worst = (exp: Float(0), tanh: Float(0), sigmoid: Float(0))
        var x: Float = -30
        while x <= 30 {
            worst.exp = max(worst.exp, abs(fastExp(x) - Foundation.exp(x)) / Foundation.exp(x))
            worst.tanh = max(worst.tanh, abs(fastTanh(x) - Foundation.tanh(x)))
            worst.sigmoid = max(worst.sigmoid, abs(fastSigmoid(x) - 1 / (1 + Foundation.exp(-x))))
            x += 0.001
        }
        XCTAssertLessThan(worst.exp, 3e-7)
        XCTAssertLessThan(worst.tanh, 5e-7)
        XCTAssertLessThan(worst.sigmoid, 3e-7)
        XCTAssertEqual(fastTanh(1e-6), 1e-6, accuracy: 1e-12)
        XCTAssertEqual(fastExp(-200), 0, accuracy: 1e-37)
        XCTAssertTrue(fastExp(200).isFinite)
        XCTAssertEqual(fastSigmoid(-100), 0, accuracy: 1e-30)
    }
}
