import Kernels
import XCTest

final class ConvolutionKernelTests: XCTestCase {
    func values(_ n: Int, _ seed: UInt64) -> [Float] {
        var state = seed
        return (0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001) / 1000 - 1
        }
    }

    let geometries = [
        ConvolutionGeometry(batch: 2, channels: 3, height: 7, width: 6, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1),
        ConvolutionGeometry(batch: 3, channels: 2, height: 9, width: 8, kernelHeight: 3, kernelWidth: 3, stride: 2, padding: 1),
        ConvolutionGeometry(batch: 1, channels: 4, height: 5, width: 5, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 0),
        ConvolutionGeometry(batch: 2, channels: 2, height: 6, width: 7, kernelHeight: 2, kernelWidth: 3, stride: 2, padding: 0),
        ConvolutionGeometry(batch: 1, channels: 1, height: 4, width: 4, kernelHeight: 5, kernelWidth: 5, stride: 1, padding: 2),
    ]

    func testIm2colGemmMatchesDirectConvolutionForwardAndBackward() {
        for (index, g) in geometries.enumerated() {
            let o = 5
            let x = values(g.batch * g.channels * g.height * g.width, UInt64(index))
            let w = values(o * g.patchSize, UInt64(index + 10))
            let b = values(o, UInt64(index + 20))
            let outCount = g.batch * o * g.outputPlane
            for workers in [1, 2, 3] {
                var workspace = [Float](repeating: .nan, count: ConvolutionWorkspace.count(g, outputChannels: o, workers: workers))
                var y = [Float](repeating: 0, count: outCount), yRef = y
                conv2dForward(x: x, weight: w, bias: b, outputChannels: o, g, workspace: &workspace, workers: workers, y: &y)
                conv2dForwardReference(x: x, weight: w, bias: b, outputChannels: o, g, y: &yRef)
                for i in 0..<outCount { XCTAssertEqual(y[i], yRef[i], accuracy: 1e-4, "geometry \(index) workers \(workers) y[\(i)]") }

                let gy = values(outCount, UInt64(index + 30))
                var gx = [Float](repeating: 0.5, count: x.count), gxRef = gx
                var gw = [Float](repeating: 0.25, count: w.count), gwRef = gw
                var gb = [Float](repeating: 1, count: o), gbRef = gb
                conv2dBackward(gradY: gy, x: x, weight: w, outputChannels: o, g, workspace: &workspace, workers: workers,
                               gradX: &gx, gradWeight: &gw, gradBias: &gb)
                conv2dBackwardReference(gradY: gy, x: x, weight: w, outputChannels: o, g, gradX: &gxRef, gradWeight: &gwRef, gradBias: &gbRef)
                for i in 0..<gx.count { XCTAssertEqual(gx[i], gxRef[i], accuracy: 1e-4, "geometry \(index) gx[\(i)]") }
                for i in 0..<gw.count { XCTAssertEqual(gw[i], gwRef[i], accuracy: 1e-4, "geometry \(index) gw[\(i)]") }
                for i in 0..<o { XCTAssertEqual(gb[i], gbRef[i], accuracy: 1e-4, "geometry \(index) gb[\(i)]") }
            }
        }
    }

    func testCol2imIsTheAdjointOfIm2col() {
        // <im2col(x), c> == <x, col2im(c)> for every geometry.
        for (index, g) in geometries.enumerated() {
            let x = values(g.batch * g.channels * g.height * g.width, UInt64(index + 40))
            let c = values(g.columnCount, UInt64(index + 50))
            var columns = [Float](repeating: 0, count: g.columnCount)
            im2col(x: x, g, columns: &columns)
            var back = [Float](repeating: 0, count: x.count)
            col2im(columns: c, g, gradX: &back)
            let lhs = zip(columns, c).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let rhs = zip(x, back).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            XCTAssertEqual(lhs, rhs, accuracy: 1e-3, "geometry \(index)")
        }
    }
}

final class ConvolutionEncoderShapeTests: XCTestCase {
    /// The first encoder layer's shape (3 -> 32 channels, 32 x 32, batch 3): the per-image
    /// parallel path against the direct loops.
    func testFirstEncoderLayerShape() {
        let g = ConvolutionGeometry(batch: 3, channels: 3, height: 32, width: 32, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1)
        let o = 32
        var state: UInt64 = 7
        func values(_ n: Int) -> [Float] { (0..<n).map { _ in state = state &* 6364136223846793005 &+ 1442695040888963407; return Float(Int64(bitPattern: state >> 11) % 2001) / 1000 - 1 } }
        let x = values(g.batch * 3 * 32 * 32), w = values(o * g.patchSize), gy = values(g.batch * o * g.outputPlane)
        for workers in [1, 2] {
            var workspace = [Float](repeating: .nan, count: ConvolutionWorkspace.count(g, outputChannels: o, workers: workers))
            var gw = [Float](repeating: 0, count: w.count), gwRef = gw
            var gxRef = [Float](repeating: 0, count: x.count), gbRef = [Float](repeating: 0, count: o)
            conv2dBackward(gradY: gy, x: x, weight: w, outputChannels: o, g, workspace: &workspace, workers: workers, gradX: nil, gradWeight: &gw, gradBias: nil)
            conv2dBackwardReference(gradY: gy, x: x, weight: w, outputChannels: o, g, gradX: &gxRef, gradWeight: &gwRef, gradBias: &gbRef)
            let scale = gwRef.map { abs($0) }.max()!
            for i in 0..<gw.count { XCTAssertEqual(gw[i], gwRef[i], accuracy: 1e-5 * scale, "workers \(workers) gw[\(i)]") }
        }
    }
}

final class PoolingKernelTests: XCTestCase {
    /// The 2 x 2 / stride 2 fast path (eight windows at a time, then one by one) picks the same
    /// values and positions as the general rule: the first maximum, a NaN winning.
    func testTwoByTwoPathMatchesGeneralPath() {
        let (h, w) = (6, 40), (oh, ow) = (3, 20)
        let g = ConvolutionGeometry(batch: 2, channels: 3, height: h, width: w, kernelHeight: 2, kernelWidth: 2, stride: 2, padding: 0)
        var state: UInt64 = 5
        // Few distinct values, so ties are common; a few NaNs.
        let x: [Float] = (0..<(2 * 3 * h * w)).map { i in
            state = state &* 6364136223846793005 &+ 1
            return i % 97 == 13 ? .nan : Float((state >> 33) % 4)
        }
        var fast = [Float](repeating: 0, count: 2 * 3 * oh * ow), general = fast
        var fastArg = [Int32](repeating: -1, count: fast.count), generalArg = fastArg
        maxPool2dForward(x: x, g, y: &fast, argmax: &fastArg)
        for plane in 0..<(2 * 3) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Float.infinity, index = -1
                    for i in 0..<2 { for j in 0..<2 {
                        let p = (2 * oy + i) * w + 2 * ox + j, v = x[plane * h * w + p]
                        if v > best || v.isNaN || index < 0 { best = v; index = p }
                    } }
                    general[plane * oh * ow + oy * ow + ox] = best
                    generalArg[plane * oh * ow + oy * ow + ox] = Int32(index)
                }
            }
        }
        XCTAssertEqual(fastArg, generalArg)
        XCTAssertTrue(general.contains { $0.isNaN })
        XCTAssertEqual(fast.map { $0.isNaN ? -1 : $0 }, general.map { $0.isNaN ? -1 : $0 })
    }
}

/// Winograd F(2x2, 3x3) against the im2col inference convolution (same bias, ReLU and pooling).
final class WinogradConvolutionTests: XCTestCase {
    func testWinogradMatchesDirectConvolution() {
        var g = SystemRandomNumberGenerator()
        for (c, o, side) in [(5, 7, 32), (3, 9, 16), (16, 4, 48)] {
            for pool in [false, true] {
                let x = (0..<(c * side * side)).map { _ in Float.random(in: -1...1, using: &g) }
                let w = (0..<(o * c * 9)).map { _ in Float.random(in: -0.5...0.5, using: &g) }
                let b = (0..<o).map { _ in Float.random(in: -0.2...0.2, using: &g) }
                let geometry = ConvolutionGeometry(batch: 1, channels: c, height: side, width: side, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1)
                let outCount = pool ? o * side * side / 4 : o * side * side
                var direct = [Float](repeating: 0, count: outCount), winograd = [Float](repeating: 0, count: outCount)
                var scratch = [Float](repeating: 0, count: max(inferenceConvolutionWorkspaceCount(geometry, outputChannels: o, workers: 2),
                                                               winogradWorkspaceCount(channels: c, outputChannels: o, height: side, width: side)))
                var u = [Float](repeating: 0, count: winogradWeightCount(outputChannels: o, channels: c))
                XCTAssertTrue(winogradApplies(height: side, width: side))
                winogradTransformWeights(w, outputChannels: o, channels: c, into: &u)
                conv2dBiasReluInference(x: x, weight: w, bias: b, outputChannels: o, geometry, pool: pool, workspace: &scratch, y: &direct)
                conv3x3WinogradBiasRelu(x: x, channels: c, height: side, width: side, transformedWeights: u, bias: b,
                                        outputChannels: o, pool: pool, workspace: &scratch, y: &winograd)
                let worst = zip(direct, winograd).map { abs($0 - $1) }.max()!
                XCTAssertLessThan(worst, 1e-5, "C \(c), O \(o), side \(side), pool \(pool)")
                XCTAssertGreaterThan(direct.filter { $0 > 0 }.count, outCount / 4, "enough positive outputs to compare")
            }
        }
        XCTAssertFalse(winogradApplies(height: 8, width: 8))
    }

    private func values(_ n: Int, _ seed: UInt64) -> [Float] {
        var state = seed
        return (0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2001) / 1000 - 1
        }
    }

    /// The training entry point: the batch forward, with and without accumulation, and the input
    /// gradient through the turned, channel-swapped kernels, against the direct convolution.
    func testWinogradBatchForwardAndInputGradientMatchDirectConvolution() {
        for (batch, c, o, h, w) in [(3, 5, 7, 4, 16), (2, 8, 3, 16, 32), (1, 2, 2, 2, 16)] {
            let g = ConvolutionGeometry(batch: batch, channels: c, height: h, width: w, kernelHeight: 3, kernelWidth: 3, stride: 1, padding: 1)
            let x = values(batch * c * h * w, 41), weight = values(o * c * 9, 42), gy = values(batch * o * h * w, 43)
            var u = [Float](repeating: .nan, count: winogradWeightCount(outputChannels: o, channels: c))
            winogradTransformWeights(weight, outputChannels: o, channels: c, into: &u)
            var workspace = [Float](repeating: .nan, count: max(
                winogradBatchWorkspaceCount(channels: c, outputChannels: o, height: h, width: w),
                winogradBatchWorkspaceCount(channels: o, outputChannels: c, height: h, width: w)))
            var y = [Float](repeating: .nan, count: batch * o * h * w), reference = y
            conv3x3WinogradBatch(x: x, batch: batch, channels: c, height: h, width: w, transformedWeights: u, outputChannels: o,
                                 accumulate: false, workspace: &workspace, y: &y)
            conv2dForwardReference(x: x, weight: weight, bias: nil, outputChannels: o, g, y: &reference)
            for i in y.indices { XCTAssertEqual(y[i], reference[i], accuracy: 1e-4, "forward \(batch)x\(c)x\(h)x\(w) -> \(o), y[\(i)]") }
            var sum = [Float](repeating: 0.5, count: y.count)
            conv3x3WinogradBatch(x: x, batch: batch, channels: c, height: h, width: w, transformedWeights: u, outputChannels: o,
                                 accumulate: true, workspace: &workspace, y: &sum)
            for i in y.indices { XCTAssertEqual(sum[i], reference[i] + 0.5, accuracy: 1e-4, "accumulated y[\(i)]") }

            var ut = [Float](repeating: .nan, count: winogradWeightCount(outputChannels: c, channels: o))
            winogradTransformWeightsForInputGradient(weight, outputChannels: o, channels: c, into: &ut)
            var gx = [Float](repeating: 0.25, count: x.count)
            conv3x3WinogradBatch(x: gy, batch: batch, channels: o, height: h, width: w, transformedWeights: ut, outputChannels: c,
                                 accumulate: true, workspace: &workspace, y: &gx)
            var gxRef = [Float](repeating: 0.25, count: x.count), gwRef = [Float](repeating: 0, count: weight.count)
            var gbRef = [Float](repeating: 0, count: o)
            conv2dBackwardReference(gradY: gy, x: x, weight: weight, outputChannels: o, g, gradX: &gxRef, gradWeight: &gwRef, gradBias: &gbRef)
            for i in gx.indices { XCTAssertEqual(gx[i], gxRef[i], accuracy: 1e-4, "input gradient \(batch)x\(c)x\(h)x\(w) -> \(o), gx[\(i)]") }
        }
    }
}
