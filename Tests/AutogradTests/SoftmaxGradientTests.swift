import Autograd
import XCTest

final class SoftmaxGradientTests: XCTestCase {
    func testSoftmaxSumsToOneAlongAnyAxis() {
        let x = random([2, 3, 4], 1, low: -3, high: 3)
        for axis in 0..<3 {
            let s = x.softmax(axis: axis).sum(axes: [axis]).values
            for v in s { XCTAssertEqual(v, 1, accuracy: 1e-5) }
            let l = x.logSoftmax(axis: axis).exp().sum(axes: [axis]).values
            for v in l { XCTAssertEqual(v, 1, accuracy: 1e-5) }
        }
        // Large logits stay finite.
        let big = Tensor(shape: [1, 3], values: [1000, 1001, 999]).softmax()
        XCTAssertFalse(big.values.contains { !$0.isFinite })
    }

    func testSoftmaxGradients() {
        for axis in [0, 1, -1] {
            checkGradients([random([3, 4, 2], UInt64(2 + axis + 10), low: -2, high: 2)]) { $0[0].softmax(axis: axis) }
            checkGradients([random([3, 4, 2], UInt64(3 + axis + 10), low: -2, high: 2)]) { $0[0].logSoftmax(axis: axis) }
        }
    }

    func testCrossEntropyValueAndGradient() {
        // Uniform logits over 4 classes: loss = log 4.
        let uniform = Tensor(zeros: [2, 4])
        XCTAssertEqual(crossEntropy(logits: uniform, targets: [1, 3]).item, Float(log(4.0)), accuracy: 1e-6)
        let targets: [Int32] = [0, -100, 2, 1, -100]
        checkGradients([random([5, 3], 4, low: -2, high: 2)]) { crossEntropy(logits: $0[0], targets: targets) }
        let weights: [Float] = [0.5, 9, 2, 1, 9]
        checkGradients([random([5, 3], 5, low: -2, high: 2)]) { crossEntropy(logits: $0[0], targets: targets, weights: weights) }
        // Ignored rows get no gradient.
        let logits = random([5, 3], 6)
        logits.setRequiresGrad(true)
        crossEntropy(logits: logits, targets: targets).backward()
        let g = logits.gradValues!
        XCTAssertEqual(Array(g[3..<6]), [0, 0, 0])
        XCTAssertEqual(Array(g[12..<15]), [0, 0, 0])
        // Equals the mean of -log_softmax at the targets.
        let lsm = logits.logSoftmax().values
        let expected = -(lsm[0] + lsm[8] + lsm[10]) / 3
        XCTAssertEqual(crossEntropy(logits: logits, targets: targets).item, expected, accuracy: 1e-6)
    }
}
