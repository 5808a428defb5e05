/// Max pooling over `[B, C, H, W]` with a square window (`g.kernelHeight x g.kernelWidth`),
/// stride and implicit -inf padding: `y[b, c, oy, ox] = max over the window`. The flat index
/// (within its `H * W` plane) of each maximum goes to `argmax` for the backward; ties keep the first.
public func maxPool2dForward(x: UnsafePointer<Float>, _ g: ConvolutionGeometry, y: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>) {
    let oh = g.outputHeight, ow = g.outputWidth
    if g.kernelHeight == 2 && g.kernelWidth == 2 && g.stride == 2 && g.padding == 0 {
        maxPool2x2Forward(x: x, g, y: y, argmax: argmax)
        return
    }
    forEachSlice(of: g.batch * g.channels, itemSize: g.height * g.width) { planes in
        for plane in planes {
            let src = x + plane * g.height * g.width
            let dst = y + plane * oh * ow
            let arg = argmax + plane * oh * ow
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -Float.infinity, bestIndex = -1
                    for i in 0..<g.kernelHeight {
                        let iy = oy * g.stride - g.padding + i
                        if iy < 0 || iy >= g.height { continue }
                        for j in 0..<g.kernelWidth {
                            let ix = ox * g.stride - g.padding + j
                            if ix < 0 || ix >= g.width { continue }
                            let v = src[iy * g.width + ix]
                            if v > best || bestIndex < 0 || v.isNaN { best = v; bestIndex = iy * g.width + ix }
                        }
                    }
                    dst[oy * ow + ox] = best
                    arg[oy * ow + ox] = Int32(bestIndex)
                }
            }
        }
    }
}

/// Backward of max pooling: each output gradient goes to the input position that won.
public func maxPool2dBackward(gradY: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, _ g: ConvolutionGeometry, gradX: UnsafeMutablePointer<Float>) {
    let planeOut = g.outputHeight * g.outputWidth
    forEachSlice(of: g.batch * g.channels, itemSize: g.height * g.width) { planes in
        for plane in planes {
            let gx = gradX + plane * g.height * g.width
            for k in 0..<planeOut {
                let index = Int(argmax[plane * planeOut + k])
                if index >= 0 { gx[index] += gradY[plane * planeOut + k] }
            }
        }
    }
}

/// `maxPool2dForward` for the common 2 x 2 window with stride 2 and no padding (the encoder's):
/// the same rule (first maximum; a NaN wins, as in PyTorch) without the general bounds checks.
func maxPool2x2Forward(x: UnsafePointer<Float>, _ g: ConvolutionGeometry, y: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>) {
    let oh = g.outputHeight, ow = g.outputWidth, w = g.width
    let lanes = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14)
    forEachSlice(of: g.batch * g.channels, itemSize: g.height * g.width) { planes in
        for plane in planes {
            let src = x + plane * g.height * w
            let dst = y + plane * oh * ow, arg = argmax + plane * oh * ow
            for oy in 0..<oh {
                let top = src + 2 * oy * w, bottom = top + w
                var ox = 0
                // Eight windows at a time: the even and odd lanes of 16 floats of each row.
                while ox + 8 <= ow && 2 * ox + 16 <= w {
                    let t = UnsafeRawPointer(top + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
                    let d = UnsafeRawPointer(bottom + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
                    let base = lanes &+ Int32(2 * oy * w + 2 * ox)
                    var best = t.evenHalf, index = base
                    @inline(__always) func challenge(_ v: Float8, _ offset: Int32) {
                        let wins = (v .> best) .| (v .!= v)
                        best.replace(with: v, where: wins)
                        index.replace(with: base &+ offset, where: wins)
                    }
                    challenge(t.oddHalf, 1); challenge(d.evenHalf, Int32(w)); challenge(d.oddHalf, Int32(w + 1))
                    UnsafeMutableRawPointer(dst + oy * ow + ox).storeBytes(of: best, as: Float8.self)
                    UnsafeMutableRawPointer(arg + oy * ow + ox).storeBytes(of: index, as: SIMD8<Int32>.self)
                    ox += 8
                }
                while ox < ow {
                    let i = 2 * ox
                    var best = top[i], index = 2 * oy * w + i
                    if top[i + 1] > best || top[i + 1].isNaN { best = top[i + 1]; index += 1 }
                    if bottom[i] > best || bottom[i].isNaN { best = bottom[i]; index = (2 * oy + 1) * w + i }
                    if bottom[i + 1] > best || bottom[i + 1].isNaN { best = bottom[i + 1]; index = (2 * oy + 1) * w + i + 1 }
                    dst[oy * ow + ox] = best
                    arg[oy * ow + ox] = Int32(index)
                    ox += 1
                }
            }
        }
    }
}
