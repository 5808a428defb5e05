/// Inference convolution of one image: a convolution whose batch norm is already folded into its
/// weight and bias, followed by ReLU and optionally 2 x 2 max pooling, in one call:
/// `y = relu(W * im2col(x) + bias)`, or with `pool`, `y = maxpool2x2(relu(W * im2col(x) + bias))`
/// (computed as `relu(max(window) + bias)`, the same value since both steps are monotonic).
/// The output rows are split into bands over `workers` (bands of even height when pooling); each
/// worker (of `SpinTeam.shared`) unfolds its band into its own columns, multiplies, and writes its band of `y`.
/// Shapes: x `[C, H, W]` (`g.batch` is ignored), weight `[O, C*kh*kw]`, bias `[O]`,
/// y `[O, OH, OW]`, or `[O, OH/2, OW/2]` with `pool` (OH and OW even).
/// `workspace` holds `inferenceConvolutionWorkspaceCount(g, outputChannels:, workers:)` floats.
public func conv2dBiasReluInference(
    x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    outputChannels o: Int, _ g: ConvolutionGeometry, pool: Bool,
    workspace: UnsafeMutablePointer<Float>, workers: Int = kernelWorkers,
    y: UnsafeMutablePointer<Float>
) {
    let oh = g.outputHeight, ow = g.outputWidth, plane = oh * ow, k = g.patchSize
    precondition(!pool || (oh % 2 == 0 && ow % 2 == 0), "2x2 pooling needs an even output size, not \(oh)x\(ow)")
    let unit = pool ? 2 : 1
    let workers = max(1, min(workers, oh / unit))
    let perWorker = inferenceConvolutionWorkerCount(g, outputChannels: o, workers: workers)
    let xs = SharedPointer(x), ws = SharedPointer(weight), bs = SharedPointer(bias), ys = SharedPointer(y)
    let scratch = SharedPointer(workspace)
    SpinTeam.shared.run(parts: workers) { worker in
        let units = workerRange(worker, of: workers, total: oh / unit)
        let rows = (units.lowerBound * unit)..<(units.upperBound * unit)
        if rows.isEmpty { return }
        let band = rows.count * ow
        let columns = scratch.pointer + worker * perWorker
        im2colRows(x: xs.pointer, g, rows: rows, columns: columns, ld: band)
        if pool {
            // The band's pre-activations go to scratch, then pool into y.
            let out = columns + k * band
            gemm(transposeA: false, transposeB: false, m: o, n: band, k: k,
                 a: ws.pointer, lda: k, b: columns, ldb: band, c: out, ldc: band, threads: 1)
            let pw = ow / 2, pooledPlane = (oh / 2) * pw
            for c in 0..<o {
                let b = bs.pointer[c]
                let src = out + c * band
                let dst = ys.pointer + c * pooledPlane + (rows.lowerBound / 2) * pw
                for py in 0..<(rows.count / 2) {
                    biasReluPoolRow(top: src + 2 * py * ow, bottom: src + (2 * py + 1) * ow, width: pw, bias: b, into: dst + py * pw)
                }
            }
        } else {
            let out = ys.pointer + rows.lowerBound * ow
            gemm(transposeA: false, transposeB: false, m: o, n: band, k: k,
                 a: ws.pointer, lda: k, b: columns, ldb: band, c: out, ldc: plane, threads: 1)
            for c in 0..<o {
                let b = Float8(repeating: bs.pointer[c])
                let row = out + c * plane
                var i = 0
                while i + 8 <= band {
                    let v = load8(row + i) + b
                    store8(v.replacing(with: 0, where: v .< 0), row + i)
                    i += 8
                }
                while i < band { row[i] = max(row[i] + b[0], 0); i += 1 }
            }
        }
    }
}

/// Floats of scratch `conv2dBiasReluInference` needs: per worker, the columns of its band of rows
/// and the band's pre-activations.
public func inferenceConvolutionWorkspaceCount(_ g: ConvolutionGeometry, outputChannels: Int, workers: Int) -> Int {
    max(1, min(workers, g.outputHeight)) * inferenceConvolutionWorkerCount(g, outputChannels: outputChannels, workers: workers)
}

func inferenceConvolutionWorkerCount(_ g: ConvolutionGeometry, outputChannels: Int, workers: Int) -> Int {
    let band = ((g.outputHeight + max(1, workers) - 1) / max(1, workers) + 1) * g.outputWidth
    return (g.patchSize + outputChannels) * band
}

/// One pooled row: `out[p] = max(max(top[2p], top[2p+1], bottom[2p], bottom[2p+1]) + bias, 0)`.
@inline(__always)
private func biasReluPoolRow(top: UnsafePointer<Float>, bottom: UnsafePointer<Float>, width: Int, bias: Float, into out: UnsafeMutablePointer<Float>) {
    let b = Float8(repeating: bias)
    var p = 0
    while p + 8 <= width {
        let t = UnsafeRawPointer(top + 2 * p).loadUnaligned(as: SIMD16<Float>.self)
        let d = UnsafeRawPointer(bottom + 2 * p).loadUnaligned(as: SIMD16<Float>.self)
        let m = t.replacing(with: d, where: d .> t)
        let even = m.evenHalf, odd = m.oddHalf
        let v = even.replacing(with: odd, where: odd .> even) + b
        store8(v.replacing(with: 0, where: v .< 0), out + p)
        p += 8
    }
    while p < width {
        let m = max(max(top[2 * p], top[2 * p + 1]), max(bottom[2 * p], bottom[2 * p + 1]))
        out[p] = max(m + bias, 0)
        p += 1
    }
}
