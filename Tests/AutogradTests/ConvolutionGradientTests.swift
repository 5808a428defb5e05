import Autograd
import XCTest

final class ConvolutionGradientTests: XCTestCase {
    func testConv2dGradients() {
        for (stride, padding) in [(1, 0), (1, 1), (2, 1), (2, 0)] {
            let x = random([2, 3, 6, 5], UInt64(stride * 10 + padding))
            let w = random([4, 3, 3, 3], UInt64(stride * 10 + padding + 100))
            let b = random([4], UInt64(stride * 10 + padding + 200))
            checkGradients([x, w, b], tolerance: 1e-3) { conv2d($0[0], weight: $0[1], bias: $0[2], stride: stride, padding: padding) }
        }
        // Single image, no bias (the batch-1 path writes straight into the output).
        checkGradients([random([1, 2, 5, 5], 7), random([3, 2, 3, 3], 8)], tolerance: 1e-3) {
            conv2d($0[0], weight: $0[1], padding: 1)
        }
    }

    /// Geometries `conv2d` runs through Winograd (forward and input gradient): the same gradient
    /// check, and the same values as the im2col path of a geometry that differs only in channels.
    func testConv2dWinogradPathGradients() {
        checkGradients([random([2, 8, 4, 16], 31), random([3, 8, 3, 3], 32), random([3], 33)], tolerance: 1e-3) {
            conv2d($0[0], weight: $0[1], bias: $0[2], padding: 1)
        }
    }

    func testConv2dOutputShape() {
        let y = conv2d(Tensor(zeros: [2, 3, 9, 8]), weight: Tensor(zeros: [5, 3, 3, 3]), stride: 2, padding: 1)
        XCTAssertEqual(y.shape, [2, 5, 5, 4])
    }

    func testMaxPoolGradients() {
        checkGradients([separated([2, 3, 6, 6], 1)]) { maxPool2d($0[0], kernelSize: 2) }
        checkGradients([separated([2, 2, 7, 7], 2)]) { maxPool2d($0[0], kernelSize: 3, stride: 2, padding: 1) }
        let x = Tensor(shape: [1, 1, 2, 2], values: [1, 4, 3, 2])
        XCTAssertEqual(maxPool2d(x, kernelSize: 2).values, [4])
    }

    func testBatchNormGradientsTrainingAndEvaluation() {
        let mean = Tensor(zeros: [3]), variance = Tensor(zeros: [3], value: 1)
        checkGradients([random([4, 3, 2, 2], 3, low: -2, high: 2), random([3], 4, low: 0.5, high: 1.5), random([3], 5)], tolerance: 2e-2) {
            batchNorm($0[0], weight: $0[1], bias: $0[2], runningMean: mean.copy(), runningVariance: variance.copy(), training: true)
        }
        let rm = random([3], 6), rv = random([3], 7, low: 0.5, high: 2)
        checkGradients([random([4, 3, 2, 2], 8), random([3], 9), random([3], 10)], tolerance: 1e-3) {
            batchNorm($0[0], weight: $0[1], bias: $0[2], runningMean: rm, runningVariance: rv, training: false)
        }
    }

    /// `batchNorm(relu: true)` is `batchNorm(...).relu()`: the same values and gradients (to
    /// rounding), in training and evaluation, and it passes its own gradient check.
    func testBatchNormWithReLUIsBatchNormThenReLU() {
        for training in [true, false] {
            let rm = random([3], 6), rv = random([3], 7, low: 0.5, high: 2)
            func run(_ fused: Bool) -> (y: [Float], gx: [Float], gw: [Float], gb: [Float]) {
                let x = random([4, 3, 5, 5], 20, low: -2, high: 2), w = random([3], 21, low: 0.5, high: 1.5), b = random([3], 22)
                for t in [x, w, b] { t.setRequiresGrad(true) }
                let y = fused
                    ? batchNorm(x, weight: w, bias: b, runningMean: rm.copy(), runningVariance: rv.copy(), training: training, relu: true)
                    : batchNorm(x, weight: w, bias: b, runningMean: rm.copy(), runningVariance: rv.copy(), training: training).relu()
                y.backward(gradient: random([4, 3, 5, 5], 23).values)
                return (y.values, x.gradValues!, w.gradValues!, b.gradValues!)
            }
            let plain = run(false), fused = run(true)
            XCTAssertEqual(fused.y, plain.y, "values, training \(training)")
            XCTAssertGreaterThan(plain.y.filter { $0 == 0 }.count, 10, "some outputs are cut by the ReLU")
            for (a, e, name) in [(fused.gx, plain.gx, "input"), (fused.gw, plain.gw, "weight"), (fused.gb, plain.gb, "bias")] {
                for i in a.indices { XCTAssertEqual(a[i], e[i], accuracy: 1e-5 * max(1, abs(e[i])), "\(name) gradient \(i), training \(training)") }
            }
        }
        let mean = Tensor(zeros: [3]), variance = Tensor(zeros: [3], value: 1)
        checkGradients([separated([4, 3, 2, 2], 3), random([3], 4, low: 0.5, high: 1.5), random([3], 5)], tolerance: 2e-2) {
            batchNorm($0[0], weight: $0[1], bias: $0[2], runningMean: mean.copy(), runningVariance: variance.copy(), training: true, relu: true)
        }
    }

    func testBatchNormNormalisesAndUpdatesRunningStatistics() {
        let x = random([8, 2, 3, 3], 11, low: 2, high: 6)
        let mean = Tensor(zeros: [2]), variance = Tensor(zeros: [2], value: 1)
        let y = batchNorm(x, weight: Tensor(zeros: [2], value: 1), bias: Tensor(zeros: [2]), runningMean: mean, runningVariance: variance, training: true)
        let perChannelMean = y.permuted([1, 0, 2, 3]).reshaped([2, -1]).mean(axes: [1]).values
        for m in perChannelMean { XCTAssertEqual(m, 0, accuracy: 1e-5) }
        XCTAssertGreaterThan(mean.values[0], 0.2)   // moved 10% toward a batch mean of about 4
        XCTAssertLessThan(mean.values[0], 0.6)
    }

    func testDropoutIsSeededScaledAndIdentityInEvaluation() {
        let x = Tensor(zeros: [1000], value: 1)
        var g1 = SeededGenerator(seed: 5), g2 = SeededGenerator(seed: 5)
        let a = dropout(x, probability: 0.3, training: true, generator: &g1)
        let b = dropout(x, probability: 0.3, training: true, generator: &g2)
        XCTAssertEqual(a.values, b.values)
        let kept = a.values.filter { $0 != 0 }
        XCTAssertTrue(kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })
        XCTAssertEqual(Double(kept.count) / 1000, 0.7, accuracy: 0.05)
        XCTAssertTrue(dropout(x, probability: 0.3, training: false, generator: &g1) === x)
        checkGradients([random([20], 12)]) { t in
            var g = SeededGenerator(seed: 3)
            return dropout(t[0], probability: 0.5, training: true, generator: &g)
        }
    }
}
