import Foundation
import NN
import XCTest

/// Forward and backward of the foundation layers against PyTorch (`Tests/Fixtures/foundation`).
/// Gradients follow the fixtures' convention: loss = (y * gy).sum(), so `y.backward(gradient: gy)`.
final class LayerParityTests: XCTestCase {
    // MARK: Linear

    func testLinearMatchesPyTorch() throws {
        let f = try Fixtures.load("linear.safetensors")
        let weightShape = try f.shape("weight")
        XCTAssertEqual(weightShape, [3, 5])
        var generator = SeededGenerator(seed: 1)
        let layer = Linear(inputSize: weightShape[1], outputSize: weightShape[0], generator: &generator)
        setValues(layer.weight, try f.floats("weight"))
        setValues(try XCTUnwrap(layer.bias), try f.floats("bias"))

        let x = try f.tensor("x", requiresGrad: true)
        let y = layer(x)
        try assertClose(y, f, "y")
        y.backward(gradient: try f.floats("gy"))
        try assertGradClose(x, f, "grad_x")
        try assertGradClose(layer.weight, f, "grad_weight")
        try assertGradClose(try XCTUnwrap(layer.bias), f, "grad_bias")
    }

    func testLinearLoadsWeightsThroughStateDict() throws {
        let f = try Fixtures.load("linear.safetensors")
        var generator = SeededGenerator(seed: 2)
        let layer = Linear(inputSize: 5, outputSize: 3, generator: &generator)
        try layer.loadStateDict(["weight": try f.entry("weight"), "bias": try f.entry("bias")])
        let y = withoutGradient { layer(try! f.tensor("x")) }
        try assertClose(y, f, "y")
    }

    // MARK: Conv2D

    private func checkConv(_ name: String, stride: Int, padding: Int, hasBias: Bool) throws {
        let f = try Fixtures.load(name)
        XCTAssertEqual(try f.metadata("stride"), String(stride), "\(name): stride in metadata")
        XCTAssertEqual(try f.metadata("padding"), String(padding), "\(name): padding in metadata")
        XCTAssertEqual(try f.metadata("bias"), hasBias ? "True" : "False", "\(name): bias in metadata")
        let w = try f.shape("weight")
        var generator = SeededGenerator(seed: 3)
        let layer = Conv2D(inputChannels: w[1], outputChannels: w[0], kernelSize: w[2], stride: stride, padding: padding,
                           bias: hasBias, generator: &generator)
        XCTAssertEqual(layer.weight.shape, w)
        setValues(layer.weight, try f.floats("weight"))
        if hasBias {
            setValues(try XCTUnwrap(layer.bias), try f.floats("bias"))
        } else {
            XCTAssertNil(layer.bias, "\(name): layer built without bias has one")
            XCTAssertNil(f.file.tensors["grad_bias"], "\(name): fixture has a bias gradient but no bias")
        }

        let x = try f.tensor("x", requiresGrad: true)
        let y = layer(x)
        try assertClose(y, f, "y", tolerance: 1e-4)
        y.backward(gradient: try f.floats("gy"))
        try assertGradClose(x, f, "grad_x", tolerance: 1e-4)
        try assertGradClose(layer.weight, f, "grad_weight", tolerance: 1e-4)
        if hasBias { try assertGradClose(try XCTUnwrap(layer.bias), f, "grad_bias", tolerance: 1e-4) }
    }

    func testConv2DStride1Padding1() throws {
        try checkConv("conv2d_s1p1.safetensors", stride: 1, padding: 1, hasBias: true)
    }

    func testConv2DStride2Padding1() throws {
        try checkConv("conv2d_s2p1.safetensors", stride: 2, padding: 1, hasBias: true)
    }

    func testConv2DStride2Padding0NoBias() throws {
        try checkConv("conv2d_s2p0_nobias.safetensors", stride: 2, padding: 0, hasBias: false)
    }

    // MARK: BatchNorm2D

    private func makeBatchNorm(_ f: FixtureFile) throws -> BatchNorm2D {
        XCTAssertEqual(try f.metadata("momentum"), "0.1")
        XCTAssertEqual(try f.metadata("eps"), "1e-05")
        let layer = BatchNorm2D(featureCount: try f.shape("weight")[0], momentum: 0.1, eps: 1e-5)
        setValues(layer.weight, try f.floats("weight"))
        setValues(layer.bias, try f.floats("bias"))
        setValues(layer.runningMean, try f.floats("running_mean_before"))
        setValues(layer.runningVariance, try f.floats("running_var_before"))
        return layer
    }

    func testBatchNorm2DTrainingMatchesPyTorch() throws {
        let f = try Fixtures.load("batchnorm2d_train.safetensors")
        XCTAssertEqual(try f.metadata("mode"), "train")
        let layer = try makeBatchNorm(f)
        layer.train()
        let x = try f.tensor("x", requiresGrad: true)
        let y = layer(x)
        try assertClose(y, f, "y", tolerance: 1e-4)
        try assertClose(layer.runningMean, f, "running_mean_after", tolerance: 1e-4)
        try assertClose(layer.runningVariance, f, "running_var_after", tolerance: 1e-4)
        XCTAssertEqual(layer.batchesTracked.item, 1, "num_batches_tracked after one training batch")
        y.backward(gradient: try f.floats("gy"))
        try assertGradClose(x, f, "grad_x", tolerance: 1e-4)
        try assertGradClose(layer.weight, f, "grad_weight", tolerance: 1e-4)
        try assertGradClose(layer.bias, f, "grad_bias", tolerance: 1e-4)
    }

    func testBatchNorm2DEvaluationMatchesPyTorch() throws {
        let f = try Fixtures.load("batchnorm2d_eval.safetensors")
        XCTAssertEqual(try f.metadata("mode"), "eval")
        let layer = try makeBatchNorm(f)
        layer.eval()
        XCTAssertFalse(layer.isTraining)
        let x = try f.tensor("x", requiresGrad: true)
        let y = layer(x)
        try assertClose(y, f, "y", tolerance: 1e-4)
        // Evaluation must leave the running statistics alone.
        try assertClose(layer.runningMean, f, "running_mean_after", tolerance: 1e-6)
        try assertClose(layer.runningVariance, f, "running_var_after", tolerance: 1e-6)
        XCTAssertEqual(layer.batchesTracked.item, 0, "num_batches_tracked must not move in evaluation")
        y.backward(gradient: try f.floats("gy"))
        try assertGradClose(x, f, "grad_x", tolerance: 1e-4)
        try assertGradClose(layer.weight, f, "grad_weight", tolerance: 1e-4)
        try assertGradClose(layer.bias, f, "grad_bias", tolerance: 1e-4)
    }

    func testBatchNorm2DEvalThroughSequentialUsesRunningStatistics() throws {
        // eval() on a container must reach the BatchNorm inside it.
        let f = try Fixtures.load("batchnorm2d_eval.safetensors")
        let layer = try makeBatchNorm(f)
        let model = Sequential([layer])
        model.eval()
        XCTAssertFalse(layer.isTraining)
        let y = withoutGradient { model(try! f.tensor("x")) }
        try assertClose(y, f, "y", tolerance: 1e-4)
        model.train()
        XCTAssertTrue(layer.isTraining)
    }

    // MARK: MaxPool2D

    private func checkPool(_ name: String, kernel: Int, stride: Int, padding: Int) throws {
        let f = try Fixtures.load(name)
        XCTAssertEqual(try f.metadata("kernel"), String(kernel))
        XCTAssertEqual(try f.metadata("stride"), String(stride))
        XCTAssertEqual(try f.metadata("padding"), String(padding))
        let layer = MaxPool2D(kernelSize: kernel, stride: stride, padding: padding)
        let x = try f.tensor("x", requiresGrad: true)
        let y = layer(x)
        try assertClose(y, f, "y", tolerance: 0)
        y.backward(gradient: try f.floats("gy"))
        try assertGradClose(x, f, "grad_x", tolerance: 1e-5)
    }

    func testMaxPool2DKernel2Stride2() throws {
        try checkPool("maxpool2d_k2s2.safetensors", kernel: 2, stride: 2, padding: 0)
    }

    func testMaxPool2DKernel3Stride2Padding1() throws {
        try checkPool("maxpool2d_k3s2p1.safetensors", kernel: 3, stride: 2, padding: 1)
    }

    /// PyTorch pads max pooling with -inf: a window over the border of an all-negative input
    /// takes the largest real value, never 0. (No window of the fixtures is all negative, so this
    /// is checked against a brute-force reference.)
    func testMaxPool2DPaddingIsNegativeInfinity() {
        let h = 7, w = 7, k = 3, s = 2, p = 1
        let values = (0..<(h * w)).map { -Float(($0 * 37) % 49) - 1 }
        let x = Tensor(shape: [1, 1, h, w], values: values, requiresGrad: true)
        let y = MaxPool2D(kernelSize: k, stride: s, padding: p)(x)
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        XCTAssertEqual(y.shape, [1, 1, oh, ow])
        var expected: [Float] = [], winners: [Int] = []
        for oy in 0..<oh {
            for ox in 0..<ow {
                var best = -Float.infinity, at = -1
                for iy in (oy * s - p)..<(oy * s - p + k) where iy >= 0 && iy < h {
                    for ix in (ox * s - p)..<(ox * s - p + k) where ix >= 0 && ix < w && values[iy * w + ix] > best {
                        best = values[iy * w + ix]; at = iy * w + ix
                    }
                }
                expected.append(best); winners.append(at)
            }
        }
        assertClose(y.values, expected, tolerance: 0, "maxpool all-negative y", shape: y.shape)
        let gy = (0..<y.count).map { Float($0 + 1) }
        y.backward(gradient: gy)
        var expectedGrad = [Float](repeating: 0, count: h * w)
        for (i, at) in winners.enumerated() { expectedGrad[at] += gy[i] }
        assertClose(x.gradValues ?? [], expectedGrad, tolerance: 0, "maxpool all-negative grad_x", shape: x.shape)
    }

    // MARK: Embedding

    func testEmbeddingMatchesPyTorch() throws {
        let f = try Fixtures.load("embedding.safetensors")
        let w = try f.shape("weight")
        var generator = SeededGenerator(seed: 4)
        let layer = Embedding(count: w[0], dimension: w[1], generator: &generator)
        setValues(layer.weight, try f.floats("weight"))
        let indices64 = try f.int64s("indices")
        let indicesShape = try f.shape("indices")
        XCTAssertEqual(Set(indices64).count < indices64.count, true, "fixture should repeat indices")
        let indices = indices64.map { Int32($0) }
        let y = layer(indices, shape: indicesShape)
        try assertClose(y, f, "y", tolerance: 0)
        y.backward(gradient: try f.floats("gy"))
        // Repeated indices accumulate.
        try assertGradClose(layer.weight, f, "grad_weight", tolerance: 1e-5)
    }

    // MARK: Cross entropy

    func testCrossEntropyMatchesPyTorch() throws {
        let f = try Fixtures.load("cross_entropy.safetensors")
        let targets = try f.int64s("targets").map { Int32($0) }
        XCTAssertTrue(targets.contains(-100), "fixture should contain ignored rows")
        let logits = try f.tensor("logits", requiresGrad: true)
        let loss = crossEntropy(logits: logits, targets: targets, ignoreIndex: -100)
        XCTAssertEqual(loss.count, 1)
        assertClose([loss.item], [try f.scalar("loss")], tolerance: 1e-5, "\(f.name):loss")
        loss.backward()
        try assertGradClose(logits, f, "grad_logits", tolerance: 1e-5)
    }

    func testWeightedCrossEntropyMatchesPyTorch() throws {
        let f = try Fixtures.load("cross_entropy_weighted.safetensors")
        let targets = try f.int64s("targets").map { Int32($0) }
        let classWeight = try f.floats("class_weight")
        // Per-row weights: the class weight of the row's target; ignored rows get a weight that
        // must not matter (a large one, so a leak would show).
        let rowWeights = targets.map { $0 == -100 ? Float(1000) : classWeight[Int($0)] }
        let logits = try f.tensor("logits", requiresGrad: true)
        let loss = crossEntropy(logits: logits, targets: targets, ignoreIndex: -100, weights: rowWeights)
        assertClose([loss.item], [try f.scalar("loss")], tolerance: 1e-5, "\(f.name):loss")
        loss.backward()
        try assertGradClose(logits, f, "grad_logits", tolerance: 1e-5)
        // Ignored rows get no gradient at all.
        let grad = try XCTUnwrap(logits.gradValues)
        let classes = logits.shape[1]
        for (row, t) in targets.enumerated() where t == -100 {
            XCTAssertEqual(Array(grad[(row * classes)..<((row + 1) * classes)]), [Float](repeating: 0, count: classes),
                           "ignored row \(row) received a gradient")
        }
    }

    /// Every row ignored: the documented result is a loss of 0 and a zero gradient (never NaN).
    func testCrossEntropyWithEveryRowIgnoredIsZero() throws {
        let f = try Fixtures.load("cross_entropy.safetensors")
        let logits = try f.tensor("logits", requiresGrad: true)
        let targets = [Int32](repeating: -100, count: logits.shape[0])
        let loss = crossEntropy(logits: logits, targets: targets, ignoreIndex: -100)
        XCTAssertEqual(loss.item, 0)
        loss.backward()
        XCTAssertEqual(logits.gradValues, [Float](repeating: 0, count: logits.count))
    }
}
