import Kernels
import XCTest

/// Kernels that split large inputs over the cores (`forEachSlice`) give what the same kernel gives
/// on pieces too small to split: every slice is covered once, and partial sums (the attention
/// weight and bias gradients) are added in.
final class SlicedKernelTests: XCTestCase {
    private func random(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2_000_001) / 1_000_000 - 1
        }
    }

    private func assertClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        var worst: Float = 0
        for i in a.indices { worst = max(worst, abs(a[i] - b[i]) / max(1, abs(b[i]))) }
        XCTAssertLessThanOrEqual(worst, tolerance, what, file: file, line: line)
    }

    func testSlicesCoverTheRangeOnce() {
        for count in [0, 1, 7, 65_536, 100_003] {
            var seen = [Int](repeating: 0, count: count)
            seen.withUnsafeMutableBufferPointer { s in
                forEachSlice(of: count, minimumPerSlice: 1000) { range in for i in range { s[i] += 1 } }
            }
            XCTAssertEqual(seen, [Int](repeating: 1, count: count), "count \(count)")
        }
        XCTAssertEqual(sliceCount(of: 10, minimumPerSlice: 100), 1)
        XCTAssertEqual(sliceCount(of: 1_000_000, minimumPerSlice: 100), min(kernelWorkers, 10_000))
    }

    func testUnaryPassesMatchPieces() {
        let count = 4 * elementwiseSliceMinimum + 13
        let x = random(count, seed: 1), gy = random(count, seed: 2)
        for f in [UnaryFunction.relu, .tanh, .sigmoid, .exp] {
            var whole = [Float](repeating: 0, count: count), pieces = whole
            unaryForward(f, x: x, y: &whole, count: count)
            x.withUnsafeBufferPointer { xs in
                pieces.withUnsafeMutableBufferPointer { ys in
                    for start in stride(from: 0, to: count, by: 1000) {
                        unaryForward(f, x: xs.baseAddress! + start, y: ys.baseAddress! + start, count: min(1000, count - start))
                    }
                }
            }
            XCTAssertEqual(whole, pieces, "\(f) forward")
            var gradWhole = random(count, seed: 3), gradPieces = gradWhole
            unaryBackward(f, x: x, y: whole, gradY: gy, gradX: &gradWhole, count: count)
            x.withUnsafeBufferPointer { xs in
                whole.withUnsafeBufferPointer { ys in
                    gy.withUnsafeBufferPointer { gs in
                        gradPieces.withUnsafeMutableBufferPointer { out in
                            for start in stride(from: 0, to: count, by: 1000) {
                                unaryBackward(f, x: xs.baseAddress! + start, y: ys.baseAddress! + start, gradY: gs.baseAddress! + start,
                                              gradX: out.baseAddress! + start, count: min(1000, count - start))
                            }
                        }
                    }
                }
            }
            XCTAssertEqual(gradWhole, gradPieces, "\(f) backward")
        }
    }

    func testAttentionKernelsMatchOneImageAtATime() {
        let batch = 8, locations = 64, width = 128, d = 96
        XCTAssertGreaterThan(sliceCount(of: batch, minimumPerSlice: elementwiseSliceMinimum / (locations * width)), kernelWorkers > 1 ? 1 : 0)
        let projected = random(batch * locations * width, seed: 4), query = random(batch * width, seed: 5)
        let weight = random(width, seed: 6), gradScores = random(batch * locations, seed: 7)
        let features = random(batch * locations * d, seed: 8), gradContext = random(batch * d, seed: 9)
        let alpha = random(batch * locations, seed: 10).map { abs($0) }
        for relu in [false, true] {
            var activated = [Float](repeating: 0, count: batch * locations * width), scores = [Float](repeating: 0, count: batch * locations)
            additiveAttentionForward(projected: projected, query: query, weight: weight, bias: 0.25, batch: batch, locations: locations,
                                     width: width, relu: relu, activated: &activated, scores: &scores)
            var gp = [Float](repeating: 0, count: projected.count), gq = [Float](repeating: 0, count: query.count)
            var gw = [Float](repeating: 0.5, count: width), gb: [Float] = [0.5]
            additiveAttentionBackward(gradScores: gradScores, activated: activated, weight: weight, batch: batch, locations: locations,
                                      width: width, relu: relu, gradProjected: &gp, gradQuery: &gq, gradWeight: &gw, gradBias: &gb)
            // One image at a time: never split.
            var scoresOne = [Float](repeating: 0, count: scores.count), activatedOne = [Float](repeating: 0, count: activated.count)
            var gpOne = [Float](repeating: 0, count: gp.count), gqOne = [Float](repeating: 0, count: gq.count)
            var gwOne = [Float](repeating: 0.5, count: width), gbOne: [Float] = [0.5]
            for b in 0..<batch {
                let rows = b * locations * width
                projected.withUnsafeBufferPointer { p in query.withUnsafeBufferPointer { q in
                    activatedOne.withUnsafeMutableBufferPointer { act in scoresOne.withUnsafeMutableBufferPointer { s in
                        additiveAttentionForward(projected: p.baseAddress! + rows, query: q.baseAddress! + b * width, weight: weight, bias: 0.25,
                                                 batch: 1, locations: locations, width: width, relu: relu,
                                                 activated: act.baseAddress! + rows, scores: s.baseAddress! + b * locations)
                    } }
                } }
                gradScores.withUnsafeBufferPointer { g in activatedOne.withUnsafeBufferPointer { act in
                    gpOne.withUnsafeMutableBufferPointer { p in gqOne.withUnsafeMutableBufferPointer { q in
                        additiveAttentionBackward(gradScores: g.baseAddress! + b * locations, activated: act.baseAddress! + rows, weight: weight,
                                                  batch: 1, locations: locations, width: width, relu: relu,
                                                  gradProjected: p.baseAddress! + rows, gradQuery: q.baseAddress! + b * width,
                                                  gradWeight: &gwOne, gradBias: &gbOne)
                    } }
                } }
            }
            XCTAssertEqual(scores, scoresOne, "scores, relu \(relu)")
            XCTAssertEqual(activated, activatedOne, "activations, relu \(relu)")
            XCTAssertEqual(gp, gpOne, "projected gradient, relu \(relu)")
            XCTAssertEqual(gq, gqOne, "query gradient, relu \(relu)")
            assertClose(gw, gwOne, "weight gradient, relu \(relu)")
            assertClose(gb, gbOne, "bias gradient, relu \(relu)")
        }
        var context = [Float](repeating: 0, count: batch * d), contextOne = context
        attentionContextForward(alpha: alpha, features: features, batch: batch, locations: locations, width: d, context: &context)
        var gAlpha = [Float](repeating: 0, count: alpha.count), gFeatures = [Float](repeating: 0, count: features.count)
        attentionContextBackward(gradContext: gradContext, alpha: alpha, features: features, batch: batch, locations: locations, width: d,
                                 gradAlpha: &gAlpha, gradFeatures: &gFeatures)
        var gAlphaOne = gAlpha.map { _ in Float(0) }, gFeaturesOne = gFeatures.map { _ in Float(0) }
        for b in 0..<batch {
            alpha.withUnsafeBufferPointer { a in features.withUnsafeBufferPointer { f in gradContext.withUnsafeBufferPointer { g in
                contextOne.withUnsafeMutableBufferPointer { c in
                    attentionContextForward(alpha: a.baseAddress! + b * locations, features: f.baseAddress! + b * locations * d, batch: 1,
                                            locations: locations, width: d, context: c.baseAddress! + b * d)
                }
                gAlphaOne.withUnsafeMutableBufferPointer { ga in gFeaturesOne.withUnsafeMutableBufferPointer { gf in
                    attentionContextBackward(gradContext: g.baseAddress! + b * d, alpha: a.baseAddress! + b * locations,
                                             features: f.baseAddress! + b * locations * d, batch: 1, locations: locations, width: d,
                                             gradAlpha: ga.baseAddress! + b * locations, gradFeatures: gf.baseAddress! + b * locations * d)
                } }
            } } }
        }
        XCTAssertEqual(context, contextOne, "context")
        XCTAssertEqual(gAlpha, gAlphaOne, "alpha gradient")
        XCTAssertEqual(gFeatures, gFeaturesOne, "feature gradient")
    }

    func testBatchNormAndPoolingMatchOneImageAtATime() {
        let batch = 4, channels = 8, side = 64, plane = side * side
        let x = random(batch * channels * plane, seed: 11), gy = random(batch * channels * plane, seed: 12)
        let weight = random(channels, seed: 13), bias = random(channels, seed: 14)
        // Batch norm: the statistics of the whole batch, against a plain Double reference.
        var mean = [Float](repeating: 0, count: channels), variance = mean, invStd = mean
        var xhat = [Float](repeating: 0, count: x.count), y = xhat
        batchNormTrainingForward(x: x, batch: batch, channels: channels, plane: plane, eps: 1e-5, weight: weight, bias: bias,
                                 mean: &mean, variance: &variance, invStd: &invStd, xhat: &xhat, y: &y)
        for c in 0..<channels {
            var values: [Double] = []
            for b in 0..<batch { values += x[((b * channels + c) * plane)..<((b * channels + c + 1) * plane)].map(Double.init) }
            let m = values.reduce(0, +) / Double(values.count)
            let v = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)
            XCTAssertEqual(Double(mean[c]), m, accuracy: 1e-6, "mean of channel \(c)")
            XCTAssertEqual(Double(variance[c]), v, accuracy: 1e-6, "variance of channel \(c)")
            let i = (1 * channels + c) * plane + 77
            XCTAssertEqual(Double(y[i]), Double(weight[c]) * (Double(x[i]) - m) / (v + 1e-5).squareRoot() + Double(bias[c]), accuracy: 1e-5)
        }
        var gx = [Float](repeating: 0, count: x.count), gw = [Float](repeating: 0, count: channels), gb = gw
        batchNormTrainingBackward(gradY: gy, xhat: xhat, invStd: invStd, weight: weight, batch: batch, channels: channels, plane: plane,
                                  gradX: &gx, gradWeight: &gw, gradBias: &gb)
        for c in 0..<channels {
            var sumG = 0.0, sumGH = 0.0
            for b in 0..<batch {
                for p in 0..<plane { let i = (b * channels + c) * plane + p; sumG += Double(gy[i]); sumGH += Double(gy[i] * xhat[i]) }
            }
            XCTAssertEqual(Double(gb[c]), sumG, accuracy: 1e-4 * max(1, abs(sumG)))
            XCTAssertEqual(Double(gw[c]), sumGH, accuracy: 1e-4 * max(1, abs(sumGH)))
            let n = Double(batch * plane), i = (2 * channels + c) * plane + 5
            let expected = Double(weight[c] * invStd[c]) * (Double(gy[i]) - sumG / n - Double(xhat[i]) * sumGH / n)
            XCTAssertEqual(Double(gx[i]), expected, accuracy: 1e-5)
        }
        // Max pooling: the whole batch against one plane at a time.
        let g = ConvolutionGeometry(batch: batch, channels: channels, height: side, width: side, kernelHeight: 2, kernelWidth: 2, stride: 2, padding: 0)
        let pooled = batch * channels * plane / 4
        var out = [Float](repeating: 0, count: pooled), argmax = [Int32](repeating: 0, count: pooled)
        maxPool2dForward(x: x, g, y: &out, argmax: &argmax)
        var gradX = [Float](repeating: 0, count: x.count)
        maxPool2dBackward(gradY: gy, argmax: argmax, g, gradX: &gradX)
        let one = ConvolutionGeometry(batch: 1, channels: 1, height: side, width: side, kernelHeight: 2, kernelWidth: 2, stride: 2, padding: 0)
        var outOne = out.map { _ in Float(0) }, argOne = argmax.map { _ in Int32(0) }, gradOne = gradX.map { _ in Float(0) }
        for p in 0..<(batch * channels) {
            x.withUnsafeBufferPointer { xs in gy.withUnsafeBufferPointer { gs in
                outOne.withUnsafeMutableBufferPointer { o in argOne.withUnsafeMutableBufferPointer { a in gradOne.withUnsafeMutableBufferPointer { gr in
                    maxPool2dForward(x: xs.baseAddress! + p * plane, one, y: o.baseAddress! + p * plane / 4, argmax: a.baseAddress! + p * plane / 4)
                    maxPool2dBackward(gradY: gs.baseAddress! + p * plane / 4, argmax: a.baseAddress! + p * plane / 4, one, gradX: gr.baseAddress! + p * plane)
                } } }
            } }
        }
        XCTAssertEqual(out, outOne, "pooled values")
        XCTAssertEqual(argmax, argOne, "pooling winners")
        XCTAssertEqual(gradX, gradOne, "pooling gradient")
    }
}
