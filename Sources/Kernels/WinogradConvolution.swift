/// Winograd F(2x2, 3x3) convolution (3x3 kernel, stride 1, padding 1): each 2 x 2
/// output tile comes from a 4 x 4 input tile with 16 multiplications per channel pair instead of 36
/// (Lavin and Gray 2016). With `B^T`, `G`, `A^T` the F(2x2, 3x3) matrices,
///
///     U = G g G^T  (per output/input channel pair, `[16, O, C]`)
///     V = B^T d B  (per input channel and tile, `[16, C, T]`)
///     M[xi] = U[xi] V[xi]  (16 products `[O, C] x [C, T]`),   Y = A^T M A  (per tile, 2 x 2)
///
/// For inference (`conv3x3WinogradBiasRelu`, one image, its tile rows split over the cores) it is
/// followed by `relu(Y + bias)`, or with pooling `relu(max(Y) + bias)`: the 2 x 2 tiles are exactly
/// the windows of a 2 x 2 max pool. For training (`conv3x3WinogradBatch`, images split over the
/// cores) it is the plain convolution, used for the forward and, with the kernels turned and the
/// channels swapped, for the input gradient. Tiles are handled eight at a time along a row, so the
/// width must be a multiple of 16 (`winogradApplies`); each core goes through its tile rows a
/// block of about 128 tiles at a time.

/// Whether `conv3x3WinogradBiasRelu` takes an image of this size (even height, width a multiple of 16).
public func winogradApplies(height: Int, width: Int) -> Bool { height % 2 == 0 && width % 16 == 0 && height >= 2 }

/// Floats of `u` for `outputChannels x channels` 3 x 3 kernels: `16 * O * C`.
public func winogradWeightCount(outputChannels: Int, channels: Int) -> Int { 16 * outputChannels * channels }

/// `u[xi, o, c] = (G g_{o,c} G^T)[xi]` for weights `[O, C, 3, 3]`.
public func winogradTransformWeights(_ weight: UnsafePointer<Float>, outputChannels o: Int, channels c: Int, into u: UnsafeMutablePointer<Float>) {
    let plane = o * c
    for pair in 0..<plane { transformKernel(weight + pair * 9, flipped: false, into: u + pair, stride: plane) }
}

/// The Winograd weights of the input-gradient convolution: `gx = conv3x3(gy, W~)` with
/// `W~[c, o, i, j] = W[o, c, 2 - i, 2 - j]` (channels swapped, kernel turned half a turn), so
/// `u[xi, c, o] = (G W~_{c,o} G^T)[xi]` for weights `W [O, C, 3, 3]`.
public func winogradTransformWeightsForInputGradient(_ weight: UnsafePointer<Float>, outputChannels o: Int, channels c: Int,
                                                      into u: UnsafeMutablePointer<Float>) {
    let plane = o * c
    for channel in 0..<c {
        for output in 0..<o {
            transformKernel(weight + (output * c + channel) * 9, flipped: true, into: u + channel * o + output, stride: plane)
        }
    }
}

/// `G g G^T` of one 3 x 3 kernel (read turned half a turn when `flipped`), its 16 values written
/// `stride` apart.
private func transformKernel(_ g: UnsafePointer<Float>, flipped: Bool, into u: UnsafeMutablePointer<Float>, stride: Int) {
    @inline(__always) func at(_ i: Int, _ j: Int) -> Float { flipped ? g[(2 - i) * 3 + (2 - j)] : g[i * 3 + j] }
    // G g: rows g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2 (each three wide).
    var rows: (SIMD4<Float>, SIMD4<Float>, SIMD4<Float>, SIMD4<Float>) = (.zero, .zero, .zero, .zero)
    for j in 0..<3 {
        let g0 = at(0, j), g1 = at(1, j), g2 = at(2, j)
        rows.0[j] = g0; rows.1[j] = (g0 + g1 + g2) / 2; rows.2[j] = (g0 - g1 + g2) / 2; rows.3[j] = g2
    }
    // (G g) G^T, the same on each row.
    for i in 0..<4 {
        let r = i == 0 ? rows.0 : i == 1 ? rows.1 : i == 2 ? rows.2 : rows.3
        u[(4 * i) * stride] = r[0]
        u[(4 * i + 1) * stride] = (r[0] + r[1] + r[2]) / 2
        u[(4 * i + 2) * stride] = (r[0] - r[1] + r[2]) / 2
        u[(4 * i + 3) * stride] = r[2]
    }
}

/// Scratch floats `conv3x3WinogradBiasRelu` needs: the zero-padded input, and per worker the V
/// and M of one block of tiles.
public func winogradWorkspaceCount(channels c: Int, outputChannels o: Int, height h: Int, width w: Int) -> Int {
    paddedImageCount(channels: c, height: h, width: w) + SpinTeam.shared.size * 16 * (c + o) * winogradBlockTiles(width: w)
}

/// Tiles handled together (whole tile rows, about 128): their V and M stay in the core's cache.
func winogradBlockTiles(width w: Int) -> Int { max(1, 128 / max(1, w / 2)) * max(1, w / 2) }

/// `y = relu(conv3x3(x) + bias)` (`[O, H, W]`) or, with `pool`, `maxpool2x2` of it (`[O, H/2, W/2]`),
/// for one image `x [C, H, W]`, from weights transformed by `winogradTransformWeights`.
public func conv3x3WinogradBiasRelu(
    x: UnsafePointer<Float>, channels c: Int, height h: Int, width w: Int,
    transformedWeights u: UnsafePointer<Float>, bias: UnsafePointer<Float>, outputChannels o: Int, pool: Bool,
    workspace: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
) {
    precondition(winogradApplies(height: h, width: w), "Winograd tiles need an even height and a width that is a multiple of 16, not \(h)x\(w)")
    let tileRows = h / 2
    let padded = workspace, blocks = workspace + paddedImageCount(channels: c, height: h, width: w)
    padImage(x, channels: c, height: h, width: w, into: padded)
    let team = SpinTeam.shared, parts = min(team.size, tileRows)
    let blockTiles = winogradBlockTiles(width: w)
    let sp = SharedPointer(UnsafePointer(padded)), sBlocks = SharedPointer(blocks)
    let su = SharedPointer(u), sb = SharedPointer(bias), sy = SharedPointer(y)
    team.run(parts: parts) { part in
        winogradTileRows(padded: sp.pointer, channels: c, height: h, width: w, tileRows: workerRange(part, of: parts, total: tileRows),
                         transformedWeights: su.pointer, outputChannels: o, output: pool ? .biasReluPool : .biasRelu, bias: sb.pointer,
                         scratch: sBlocks.pointer + part * 16 * (c + o) * blockTiles, y: sy.pointer)
    }
}

/// Floats of workspace `conv3x3WinogradBatch` needs: per part (one per core), a padded image and
/// the V and M of one block of tiles.
public func winogradBatchWorkspaceCount(channels c: Int, outputChannels o: Int, height h: Int, width w: Int) -> Int {
    SpinTeam.shared.size * winogradBatchPartCount(channels: c, outputChannels: o, height: h, width: w)
}

private func winogradBatchPartCount(channels c: Int, outputChannels o: Int, height h: Int, width w: Int) -> Int {
    paddedImageCount(channels: c, height: h, width: w) + 16 * (c + o) * winogradBlockTiles(width: w)
}

/// `y[b] = conv3x3(x[b])` with zero padding 1 and no bias, or `y[b] += conv3x3(x[b])` when
/// `accumulate`, for a batch `x [B, C, H, W]` -> `y [B, O, H, W]`, from weights transformed by
/// `winogradTransformWeights` (the forward) or `winogradTransformWeightsForInputGradient` (the
/// input gradient, `x` then being the output gradient). The images are split over the cores,
/// each core going through its images a block of about 128 tiles at a time.
public func conv3x3WinogradBatch(
    x: UnsafePointer<Float>, batch: Int, channels c: Int, height h: Int, width w: Int,
    transformedWeights u: UnsafePointer<Float>, outputChannels o: Int, accumulate: Bool,
    workspace: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
) {
    precondition(winogradApplies(height: h, width: w), "Winograd tiles need an even height and a width that is a multiple of 16, not \(h)x\(w)")
    let parts = max(1, min(SpinTeam.shared.size, batch)), perPart = winogradBatchPartCount(channels: c, outputChannels: o, height: h, width: w)
    let sx = SharedPointer(x), su = SharedPointer(u), sw = SharedPointer(workspace), sy = SharedPointer(y)
    SpinTeam.shared.run(parts: parts) { part in
        let padded = sw.pointer + part * perPart, scratch = padded + paddedImageCount(channels: c, height: h, width: w)
        for image in workerRange(part, of: parts, total: batch) {
            padImage(sx.pointer + image * c * h * w, channels: c, height: h, width: w, into: padded)
            winogradTileRows(padded: padded, channels: c, height: h, width: w, tileRows: 0..<(h / 2), transformedWeights: su.pointer,
                             outputChannels: o, output: accumulate ? .add : .store, bias: nil, scratch: scratch,
                             y: sy.pointer + image * o * h * w)
        }
    }
}

/// What the output transform does with each tile's 2 x 2 outputs.
private enum WinogradOutput {
    /// `y = relu(Y + bias)`.
    case biasRelu
    /// `y = relu(max(Y) + bias)`, one value per tile (2 x 2 max pooling).
    case biasReluPool
    /// `y = Y`.
    case store
    /// `y += Y`.
    case add
}

/// Floats of a padded image (`padImage`): `[C, H + 2, W + 2]` and slack for the last 16-wide loads.
private func paddedImageCount(channels c: Int, height h: Int, width w: Int) -> Int { c * (h + 2) * (w + 2) + 32 }

/// `x [C, H, W]` with a border of zeros, `[C, H + 2, W + 2]`, and slack for the last 16-wide loads.
private func padImage(_ x: UnsafePointer<Float>, channels c: Int, height h: Int, width w: Int, into padded: UnsafeMutablePointer<Float>) {
    let pw = w + 2, ph = h + 2
    padded.update(repeating: 0, count: paddedImageCount(channels: c, height: h, width: w))
    for channel in 0..<c {
        for row in 0..<h {
            (padded + (channel * ph + row + 1) * pw + 1).update(from: x + (channel * h + row) * w, count: w)
        }
    }
}

/// The tiles of `tileRows` of one padded image, a block of about 128 tiles at a time: input
/// transform, 16 products `[O, C] x [C, tiles]`, output transform into `y`. `scratch` holds
/// `16 * (C + O) * winogradBlockTiles(width:)` floats.
private func winogradTileRows(
    padded: UnsafePointer<Float>, channels c: Int, height h: Int, width w: Int, tileRows rows: Range<Int>,
    transformedWeights u: UnsafePointer<Float>, outputChannels o: Int, output: WinogradOutput, bias: UnsafePointer<Float>?,
    scratch: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
) {
    let tileColumns = w / 2, blockTiles = winogradBlockTiles(width: w), blockRows = blockTiles / tileColumns
    let v = scratch, m = v + 16 * c * blockTiles
    var first = rows.lowerBound
    while first < rows.upperBound {
        let block = first..<min(first + blockRows, rows.upperBound), count = block.count * tileColumns
        inputTransform(padded: padded, channels: c, paddedHeight: h + 2, paddedWidth: w + 2, tileRows: block, tileColumns: tileColumns,
                       ld: count, into: v)
        for xi in 0..<16 {
            gemm(transposeA: false, transposeB: false, m: o, n: count, k: c,
                 a: u + xi * o * c, lda: c, b: v + xi * c * count, ldb: count,
                 c: m + xi * o * count, ldc: count, threads: 1)
        }
        outputTransform(m: m, outputChannels: o, tileRows: block, tileColumns: tileColumns, totalTileRows: h / 2, ld: count,
                        bias: bias, output: output, width: w, into: y)
        first = block.upperBound
    }
}

/// Four vectors: one row (or column) of a 4 x 4 tile, for eight tiles.
private struct Quad {
    var a: Float8, b: Float8, c: Float8, d: Float8
    @inline(__always) static func + (x: Quad, y: Quad) -> Quad { Quad(a: x.a + y.a, b: x.b + y.b, c: x.c + y.c, d: x.d + y.d) }
    @inline(__always) static func - (x: Quad, y: Quad) -> Quad { Quad(a: x.a - y.a, b: x.b - y.b, c: x.c - y.c, d: x.d - y.d) }
    /// `q B` for a row q: `(a - c, b + c, c - b, b - d)`.
    @inline(__always) var timesB: Quad { Quad(a: a - c, b: b + c, c: c - b, d: b - d) }
}

/// `V[xi, c, t] = (B^T d B)[xi]` for the tiles of `tileRows`, eight tiles of a row at a time: the
/// four columns of eight tiles are the even and odd lanes of two 16-wide loads.
/// `B^T d` has rows `d0 - d2, d1 + d2, d2 - d1, d1 - d3`; `B` does the same to each row's columns.
private func inputTransform(padded: UnsafePointer<Float>, channels c: Int, paddedHeight ph: Int, paddedWidth pw: Int,
                            tileRows: Range<Int>, tileColumns: Int, ld: Int, into v: UnsafeMutablePointer<Float>) {
    for channel in 0..<c {
        let image = padded + channel * ph * pw
        for ty in tileRows {
            var tx = 0
            while tx < tileColumns {
                @inline(__always) func row(_ i: Int) -> Quad {
                    let base = image + (2 * ty + i) * pw + 2 * tx
                    let l0 = UnsafeRawPointer(base).loadUnaligned(as: SIMD16<Float>.self)
                    let l1 = UnsafeRawPointer(base + 2).loadUnaligned(as: SIMD16<Float>.self)
                    return Quad(a: l0.evenHalf, b: l0.oddHalf, c: l1.evenHalf, d: l1.oddHalf)
                }
                let d0 = row(0), d1 = row(1), d2 = row(2), d3 = row(3)
                let tile = (ty - tileRows.lowerBound) * tileColumns + tx
                @inline(__always) func put(_ q: Quad, _ i: Int) {
                    let t = q.timesB
                    let out = v + (4 * i * c + channel) * ld + tile, step = c * ld
                    UnsafeMutableRawPointer(out).storeBytes(of: t.a, as: Float8.self)
                    UnsafeMutableRawPointer(out + step).storeBytes(of: t.b, as: Float8.self)
                    UnsafeMutableRawPointer(out + 2 * step).storeBytes(of: t.c, as: Float8.self)
                    UnsafeMutableRawPointer(out + 3 * step).storeBytes(of: t.d, as: Float8.self)
                }
                put(d0 - d2, 0); put(d1 + d2, 1); put(d2 - d1, 2); put(d1 - d3, 3)
                tx += 8
            }
        }
    }
}

/// `Y = A^T M A` per tile (eight at a time), plus bias and ReLU, pooled or written as 2 x 2 blocks:
/// `A^T M` has rows `m0 + m1 + m2`, `m1 - m2 - m3`; `A` does the same to each row's columns.
private func outputTransform(m: UnsafePointer<Float>, outputChannels o: Int, tileRows: Range<Int>, tileColumns: Int, totalTileRows: Int, ld: Int,
                             bias: UnsafePointer<Float>?, output: WinogradOutput, width w: Int, into y: UnsafeMutablePointer<Float>) {
    for channel in 0..<o {
        let b = Float8(repeating: bias?[channel] ?? 0)
        for ty in tileRows {
            var tx = 0
            while tx < tileColumns {
                let tile = (ty - tileRows.lowerBound) * tileColumns + tx
                @inline(__always) func row(_ i: Int) -> Quad {
                    @inline(__always) func at(_ xi: Int) -> Float8 { UnsafeRawPointer(m + (xi * o + channel) * ld + tile).loadUnaligned(as: Float8.self) }
                    return Quad(a: at(4 * i), b: at(4 * i + 1), c: at(4 * i + 2), d: at(4 * i + 3))
                }
                let m0 = row(0), m1 = row(1), m2 = row(2), m3 = row(3)
                let s0 = m0 + m1 + m2, s1 = m1 - m2 - m3
                let y00 = s0.a + s0.b + s0.c + b, y01 = s0.b - s0.c - s0.d + b
                let y10 = s1.a + s1.b + s1.c + b, y11 = s1.b - s1.c - s1.d + b
                let top = y + (channel * 2 * totalTileRows + 2 * ty) * w + 2 * tx, bottom = top + w
                switch output {
                case .biasReluPool:
                    var best = y00.replacing(with: y01, where: y01 .> y00)
                    best.replace(with: y10, where: y10 .> best)
                    best.replace(with: y11, where: y11 .> best)
                    best.replace(with: 0, where: best .< 0)
                    UnsafeMutableRawPointer(y + (channel * totalTileRows + ty) * tileColumns + tx).storeBytes(of: best, as: Float8.self)
                case .biasRelu:
                    for k in 0..<8 {
                        top[2 * k] = max(y00[k], 0); top[2 * k + 1] = max(y01[k], 0)
                        bottom[2 * k] = max(y10[k], 0); bottom[2 * k + 1] = max(y11[k], 0)
                    }
                case .store:
                    store8(interleaveLow(y00, y01), top); store8(interleaveHigh(y00, y01), top + 8)
                    store8(interleaveLow(y10, y11), bottom); store8(interleaveHigh(y10, y11), bottom + 8)
                case .add:
                    store8(load8(top) + interleaveLow(y00, y01), top); store8(load8(top + 8) + interleaveHigh(y00, y01), top + 8)
                    store8(load8(bottom) + interleaveLow(y10, y11), bottom); store8(load8(bottom + 8) + interleaveHigh(y10, y11), bottom + 8)
                }
                tx += 8
            }
        }
    }
}

/// `(a0, b0, a1, b1, a2, b2, a3, b3)`: the first halves of `a` and `b`, interleaved.
@inline(__always)
private func interleaveLow(_ a: Float8, _ b: Float8) -> Float8 {
    Float8(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3])
}

/// `(a4, b4, ..., a7, b7)`: the second halves of `a` and `b`, interleaved.
@inline(__always)
private func interleaveHigh(_ a: Float8, _ b: Float8) -> Float8 {
    Float8(a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
}
