import Autograd
import Kernels
import XCTest

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
