/// Geometry of a 2-D convolution or pooling window over a `[batch, channels, height, width]` input.
public struct ConvolutionGeometry: Sendable, Equatable {
    public var batch: Int, channels: Int, height: Int, width: Int
    public var kernelHeight: Int, kernelWidth: Int
    public var stride: Int, padding: Int

    public init(batch: Int, channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int) {
        self.batch = batch; self.channels = channels; self.height = height; self.width = width
        self.kernelHeight = kernelHeight; self.kernelWidth = kernelWidth
        self.stride = stride; self.padding = padding
    }

    /// `floor((height + 2 * padding - kernelHeight) / stride) + 1`.
    public var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    /// `floor((width + 2 * padding - kernelWidth) / stride) + 1`.
    public var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    /// Output positions per image and channel.
    public var outputPlane: Int { outputHeight * outputWidth }
    /// Rows of the column matrix: `channels * kernelHeight * kernelWidth`.
    public var patchSize: Int { channels * kernelHeight * kernelWidth }
    /// Elements of the column matrix `[patchSize, batch * outputPlane]`.
    public var columnCount: Int { patchSize * batch * outputPlane }
}

/// Unfolds every receptive field into a column: `columns[(c*kh + i)*kw + j, b*P + oh*OW + ow] =
/// x[b, c, oh*stride - padding + i, ow*stride - padding + j]` (0 outside the image),
/// `columns` of shape `[patchSize, batch * P]`.
public func im2col(x: UnsafePointer<Float>, _ g: ConvolutionGeometry, columns: UnsafeMutablePointer<Float>) {
    let plane = g.outputPlane, imageSize = g.channels * g.height * g.width
    for b in 0..<g.batch {
        im2colRows(x: x + b * imageSize, g, rows: 0..<g.outputHeight, columns: columns + b * plane, ld: g.batch * plane)
    }
}

/// `im2col` of one image (`x [C, H, W]`; `g.batch` is ignored) for the output rows `rows` only:
/// `columns[(c*kh + i)*kw + j, (oy - rows.lowerBound)*OW + ox]`, each column-matrix row `ld` floats
/// apart (`ld >= rows.count * OW`). Bands of rows let several workers unfold one image.
public func im2colRows(x: UnsafePointer<Float>, _ g: ConvolutionGeometry, rows: Range<Int>, columns: UnsafeMutablePointer<Float>, ld: Int) {
    let ow = g.outputWidth
    for c in 0..<g.channels {
        let image = x + c * g.height * g.width
        for i in 0..<g.kernelHeight {
            for j in 0..<g.kernelWidth {
                let out = columns + ((c * g.kernelHeight + i) * g.kernelWidth + j) * ld
                let shift = j - g.padding
                for y in rows {
                    let iy = y * g.stride - g.padding + i
                    let dst = out + (y - rows.lowerBound) * ow
                    if iy < 0 || iy >= g.height {
                        dst.update(repeating: 0, count: ow)
                        continue
                    }
                    let src = image + iy * g.width
                    if g.stride == 1 {
                        // x index = xo + shift; valid for xo in [max(0,-shift), min(ow, width - shift))
                        let lo = max(0, -shift), hi = min(ow, g.width - shift)
                        if lo > 0 { dst.update(repeating: 0, count: min(lo, ow)) }
                        if hi > lo { (dst + lo).update(from: src + lo + shift, count: hi - lo) }
                        if hi < ow { (dst + max(hi, 0)).update(repeating: 0, count: ow - max(hi, 0)) }
                    } else {
                        for xo in 0..<ow {
                            let ix = xo * g.stride + shift
                            dst[xo] = (ix >= 0 && ix < g.width) ? src[ix] : 0
                        }
                    }
                }
            }
        }
    }
}

/// The adjoint of `im2col`: adds every column entry back onto the input position it was read from.
public func col2im(columns: UnsafePointer<Float>, _ g: ConvolutionGeometry, gradX: UnsafeMutablePointer<Float>) {
    let oh = g.outputHeight, ow = g.outputWidth, plane = oh * ow
    let ld = g.batch * plane
    for c in 0..<g.channels {
        for i in 0..<g.kernelHeight {
            for j in 0..<g.kernelWidth {
                let row = columns + ((c * g.kernelHeight + i) * g.kernelWidth + j) * ld
                for b in 0..<g.batch {
                    let image = gradX + (b * g.channels + c) * g.height * g.width
                    let src = row + b * plane
                    for y in 0..<oh {
                        let iy = y * g.stride - g.padding + i
                        if iy < 0 || iy >= g.height { continue }
                        let dst = image + iy * g.width
                        let line = src + y * ow
                        let shift = j - g.padding
                        if g.stride == 1 {
                            let lo = max(0, -shift), hi = min(ow, g.width - shift)
                            if hi > lo { for xo in lo..<hi { dst[xo + shift] += line[xo] } }
                        } else {
                            for xo in 0..<ow {
                                let ix = xo * g.stride + shift
                                if ix >= 0 && ix < g.width { dst[ix] += line[xo] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Scratch memory for `conv2dForward` and `conv2dBackward`: per worker, one image's columns
/// and column gradients (`patchSize x outputPlane` each) and a private weight/bias gradient.
public struct ConvolutionWorkspace {
    /// Floats needed for `workers` workers.
    public static func count(_ g: ConvolutionGeometry, outputChannels: Int, workers: Int) -> Int {
        workers * perWorker(g, outputChannels: outputChannels)
    }

    static func perWorker(_ g: ConvolutionGeometry, outputChannels: Int) -> Int {
        2 * g.patchSize * g.outputPlane + outputChannels * g.patchSize + outputChannels
    }
}

/// Convolution forward, image by image (the columns of one image stay in cache), the batch split
/// over `workers` threads: `columns_b = im2col(x_b)`, `y_b = weight * columns_b + bias`.
/// Shapes: x `[B, C, H, W]`, weight `[O, C, kh, kw]` (`[O, patchSize]`), bias `[O]` or nil,
/// y `[B, O, OH, OW]`. `workspace` holds `ConvolutionWorkspace.count(g, outputChannels:, workers:)` floats.
public func conv2dForward(
    x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    outputChannels: Int, _ g: ConvolutionGeometry,
    workspace: UnsafeMutablePointer<Float>, workers: Int = kernelWorkers,
    y: UnsafeMutablePointer<Float>
) {
    let workers = max(1, min(workers, g.batch))
    let plane = g.outputPlane, k = g.patchSize, o = outputChannels
    let single = ConvolutionGeometry(batch: 1, channels: g.channels, height: g.height, width: g.width,
                                     kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth, stride: g.stride, padding: g.padding)
    let imageSize = g.channels * g.height * g.width
    let perWorker = ConvolutionWorkspace.perWorker(g, outputChannels: o)
    let xs = SharedPointer(x), ws = SharedPointer(weight), ys = SharedPointer(y), scratch = SharedPointer(workspace)
    let bs = bias.map { SharedPointer($0) }
    parallelFor(workers: workers) { worker in
        let columns = scratch.pointer + worker * perWorker
        for b in workerRange(worker, of: workers, total: g.batch) {
            im2col(x: xs.pointer + b * imageSize, single, columns: columns)
            let out = ys.pointer + b * o * plane
            gemm(transposeA: false, transposeB: false, m: o, n: plane, k: k,
                 a: ws.pointer, lda: k, b: columns, ldb: plane, c: out, ldc: plane, threads: 1)
            if let bs {
                for c in 0..<o {
                    let bias = bs.pointer[c]
                    let row = out + c * plane
                    for p in 0..<plane { row[p] += bias }
                }
            }
        }
    }
}

/// Convolution backward, image by image over `workers` threads; adds into `gradX`, `gradWeight`,
/// `gradBias` (each optional): `columns_b = im2col(x_b)` (recomputed, it is cheap and in cache),
/// `gW += gY_b columns_b^T`, `gBias += row sums of gY_b`, `gX_b += col2im(W^T gY_b)`.
/// Each worker accumulates a private weight gradient, summed at the end.
public func conv2dBackward(
    gradY: UnsafePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    outputChannels: Int, _ g: ConvolutionGeometry,
    workspace: UnsafeMutablePointer<Float>, workers: Int = kernelWorkers,
    gradX: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?
) {
    let workers = max(1, min(workers, g.batch))
    let plane = g.outputPlane, k = g.patchSize, o = outputChannels
    let single = ConvolutionGeometry(batch: 1, channels: g.channels, height: g.height, width: g.width,
                                     kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth, stride: g.stride, padding: g.padding)
    let imageSize = g.channels * g.height * g.width
    let perWorker = ConvolutionWorkspace.perWorker(g, outputChannels: o)
    let xs = SharedPointer(x), ws = SharedPointer(weight), gys = SharedPointer(gradY), scratch = SharedPointer(workspace)
    let gxs = gradX.map { SharedPointer($0) }
    let needWeight = gradWeight != nil, needBias = gradBias != nil
    parallelFor(workers: workers) { worker in
        let columns = scratch.pointer + worker * perWorker
        let gradColumns = columns + k * plane
        let localWeight = gradColumns + k * plane
        let localBias = localWeight + o * k
        localWeight.update(repeating: 0, count: o * k + o)
        for b in workerRange(worker, of: workers, total: g.batch) {
            let gy = gys.pointer + b * o * plane
            if needWeight {
                im2col(x: xs.pointer + b * imageSize, single, columns: columns)
                gemm(transposeA: false, transposeB: true, m: o, n: k, k: plane,
                     a: gy, lda: plane, b: columns, ldb: plane, beta: 1, c: localWeight, ldc: k, threads: 1)
            }
            if needBias {
                for c in 0..<o {
                    var s: Float = 0
                    let row = gy + c * plane
                    for p in 0..<plane { s += row[p] }
                    localBias[c] += s
                }
            }
            if let gxs {
                gemm(transposeA: true, transposeB: false, m: k, n: plane, k: o,
                     a: ws.pointer, lda: k, b: gy, ldb: plane, c: gradColumns, ldc: plane, threads: 1)
                col2im(columns: gradColumns, single, gradX: gxs.pointer + b * imageSize)
            }
        }
    }
    for worker in 0..<workers {
        let localWeight = workspace + worker * perWorker + 2 * k * plane
        if let gradWeight { for i in 0..<(o * k) { gradWeight[i] += localWeight[i] } }
        if let gradBias { for c in 0..<o { gradBias[c] += localWeight[o * k + c] } }
    }
}

/// Direct convolution (loops, Double accumulation): the reference for `conv2dForward`.
public func conv2dForwardReference(
    x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    outputChannels: Int, _ g: ConvolutionGeometry, y: UnsafeMutablePointer<Float>
) {
    let oh = g.outputHeight, ow = g.outputWidth
    for b in 0..<g.batch {
        for o in 0..<outputChannels {
            for yy in 0..<oh {
                for xx in 0..<ow {
                    var s = Double(bias?[o] ?? 0)
                    for c in 0..<g.channels {
                        for i in 0..<g.kernelHeight {
                            for j in 0..<g.kernelWidth {
                                let iy = yy * g.stride - g.padding + i, ix = xx * g.stride - g.padding + j
                                if iy < 0 || iy >= g.height || ix < 0 || ix >= g.width { continue }
                                let xv = x[((b * g.channels + c) * g.height + iy) * g.width + ix]
                                let wv = weight[((o * g.channels + c) * g.kernelHeight + i) * g.kernelWidth + j]
                                s += Double(xv) * Double(wv)
                            }
                        }
                    }
                    y[((b * outputChannels + o) * oh + yy) * ow + xx] = Float(s)
                }
            }
        }
    }
}

/// Direct convolution backward (loops): the reference for `conv2dBackward`. Adds into the gradients.
public func conv2dBackwardReference(
    gradY: UnsafePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    outputChannels: Int, _ g: ConvolutionGeometry,
    gradX: UnsafeMutablePointer<Float>, gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>
) {
    let oh = g.outputHeight, ow = g.outputWidth
    for b in 0..<g.batch {
        for o in 0..<outputChannels {
            for yy in 0..<oh {
                for xx in 0..<ow {
                    let gy = gradY[((b * outputChannels + o) * oh + yy) * ow + xx]
                    gradBias[o] += gy
                    for c in 0..<g.channels {
                        for i in 0..<g.kernelHeight {
                            for j in 0..<g.kernelWidth {
                                let iy = yy * g.stride - g.padding + i, ix = xx * g.stride - g.padding + j
                                if iy < 0 || iy >= g.height || ix < 0 || ix >= g.width { continue }
                                let xi = ((b * g.channels + c) * g.height + iy) * g.width + ix
                                let wi = ((o * g.channels + c) * g.kernelHeight + i) * g.kernelWidth + j
                                gradX[xi] += gy * weight[wi]
                                gradWeight[wi] += gy * x[xi]
                            }
                        }
                    }
                }
            }
        }
    }
}
