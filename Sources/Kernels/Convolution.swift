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
    let oh = g.outputHeight, ow = g.outputWidth, plane = oh * ow
    let ld = g.batch * plane
    for c in 0..<g.channels {
        for i in 0..<g.kernelHeight {
            for j in 0..<g.kernelWidth {
                let row = columns + ((c * g.kernelHeight + i) * g.kernelWidth + j) * ld
                for b in 0..<g.batch {
                    let image = x + (b * g.channels + c) * g.height * g.width
                    let out = row + b * plane
                    for y in 0..<oh {
                        let iy = y * g.stride - g.padding + i
                        let dst = out + y * ow
                        if iy < 0 || iy >= g.height {
                            dst.update(repeating: 0, count: ow)
                            continue
                        }
                        let src = image + iy * g.width
                        let shift = j - g.padding
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

/// Convolution forward by im2col and one matrix product over the whole batch:
/// `y[b, o, p] = bias[o] + sum_k weight[o, k] * columns[k, b*P + p]`.
/// Shapes: x `[B, C, H, W]`, weight `[O, C, kh, kw]`, bias `[O]` or nil, y `[B, O, OH, OW]`.
/// Workspaces: `columns` (`g.columnCount`, kept for the backward) and `product` (`O * B * P`).
public func conv2dForward(
    x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    outputChannels: Int, _ g: ConvolutionGeometry,
    columns: UnsafeMutablePointer<Float>, product: UnsafeMutablePointer<Float>,
    y: UnsafeMutablePointer<Float>
) {
    let plane = g.outputPlane, n = g.batch * plane
    im2col(x: x, g, columns: columns)
    let target = g.batch == 1 ? y : product
    gemm(transposeA: false, transposeB: false, m: outputChannels, n: n, k: g.patchSize,
         a: weight, lda: g.patchSize, b: columns, ldb: n, c: target, ldc: n)
    for b in 0..<g.batch {
        for o in 0..<outputChannels {
            let dst = y + (b * outputChannels + o) * plane
            let bo = bias?[o] ?? 0
            if g.batch == 1 {
                if bo != 0 { for p in 0..<plane { dst[p] += bo } }
            } else {
                let src = product + o * n + b * plane
                for p in 0..<plane { dst[p] = src[p] + bo }
            }
        }
    }
}

/// Convolution backward. Adds into `gradX`, `gradWeight`, `gradBias` (each optional):
/// `gW += gY' * columns^T`, `gBias[o] += sum gY[:, o]`, `gX += col2im(W^T * gY')`, where
/// `gY'` is `gradY` rearranged to `[O, B*P]`. Workspaces: `gradProduct` (`O * B * P`) and
/// `gradColumns` (`g.columnCount`); `columns` is what the forward filled.
public func conv2dBackward(
    gradY: UnsafePointer<Float>, columns: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    outputChannels: Int, _ g: ConvolutionGeometry,
    gradProduct: UnsafeMutablePointer<Float>, gradColumns: UnsafeMutablePointer<Float>,
    gradX: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?
) {
    let plane = g.outputPlane, n = g.batch * plane
    let gy: UnsafePointer<Float>
    if g.batch == 1 {
        gy = gradY
    } else {
        for b in 0..<g.batch {
            for o in 0..<outputChannels {
                (gradProduct + o * n + b * plane).update(from: gradY + (b * outputChannels + o) * plane, count: plane)
            }
        }
        gy = UnsafePointer(gradProduct)
    }
    if let gradBias {
        for o in 0..<outputChannels {
            var s: Float = 0
            let row = gy + o * n
            for p in 0..<n { s += row[p] }
            gradBias[o] += s
        }
    }
    if let gradWeight {
        gemm(transposeA: false, transposeB: true, m: outputChannels, n: g.patchSize, k: n,
             a: gy, lda: n, b: columns, ldb: n, beta: 1, c: gradWeight, ldc: g.patchSize)
    }
    if let gradX {
        gemm(transposeA: true, transposeB: false, m: g.patchSize, n: n, k: outputChannels,
             a: weight, lda: g.patchSize, b: gy, ldb: n, c: gradColumns, ldc: n)
        col2im(columns: gradColumns, g, gradX: gradX)
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
