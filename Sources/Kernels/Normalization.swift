/// Batch normalisation in training mode over `[B, C, P]` (P spatial positions):
/// `mean_c`, `var_c` (biased) over B and P; `xhat = (x - mean_c) / sqrt(var_c + eps)`;
/// `y = weight_c * xhat + bias_c` (with `relu`, `max(0, .)` of it). Writes `mean`, `variance`
/// (biased), `invStd` (`[C]`) and `xhat` (`[B, C, P]`) for the backward and the running-statistics update.
public func batchNormTrainingForward(
    x: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int, eps: Float,
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>, invStd: UnsafeMutablePointer<Float>,
    xhat: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>, relu: Bool = false
) {
    let floor: Float = relu ? 0 : -.infinity
    let n = Double(batch * plane)
    forEachSlice(of: channels, itemSize: batch * plane) { slice in
        for c in slice {
            var s = 0.0
            for b in 0..<batch { s += Double(vectorSum(x + (b * channels + c) * plane, plane)) }
            let m = s / n
            var v = 0.0
            for b in 0..<batch { v += Double(vectorSquaredDeviations(x + (b * channels + c) * plane, plane, from: Float(m))) }
            v /= n
            let inv = Float(1 / (v + Double(eps)).squareRoot())
            mean[c] = Float(m); variance[c] = Float(v); invStd[c] = inv
            let w = weight[c], bb = bias[c], mf = Float(m)
            let wv = Float8(repeating: w), bv = Float8(repeating: bb), mv = Float8(repeating: mf)
            let iv = Float8(repeating: inv), fv = Float8(repeating: floor)
            for b in 0..<batch {
                let offset = (b * channels + c) * plane
                let xs = x + offset, hs = xhat + offset, ys = y + offset
                var p = 0
                while p + 8 <= plane {
                    let h = (load8(xs + p) - mv) * iv
                    store8(h, hs + p)
                    let v = wv * h + bv
                    store8(v.replacing(with: fv, where: v .< fv), ys + p)
                    p += 8
                }
                while p < plane {
                    let h = (xs[p] - mf) * inv
                    hs[p] = h
                    ys[p] = max(w * h + bb, floor)
                    p += 1
                }
            }
        }
    }
}

/// Backward of training-mode batch norm (N = B * P):
/// `gx = weight * invStd / N * (N * gy - sum(gy) - xhat * sum(gy * xhat))`,
/// `gWeight += sum(gy * xhat)`, `gBias += sum(gy)`. Each gradient is optional. With `reluOutput`
/// (the forward's `y` of a batch norm followed by ReLU), `gy` counts only where `y > 0`.
public func batchNormTrainingBackward(
    gradY: UnsafePointer<Float>, xhat: UnsafePointer<Float>, invStd: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    batch: Int, channels: Int, plane: Int,
    gradX: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?,
    reluOutput: UnsafePointer<Float>? = nil
) {
    let n = Float(batch * plane)
    forEachSlice(of: channels, itemSize: batch * plane) { slice in
        for c in slice {
            // Sums in Double: the input gradient is a small difference of large terms.
            var sumG = 0.0, sumGH = 0.0
            for b in 0..<batch {
                let offset = (b * channels + c) * plane
                let (g, gh) = vectorSumAndDot(gradY + offset, xhat + offset, mask: reluOutput.map { $0 + offset }, plane)
                sumG += Double(g); sumGH += Double(gh)
            }
            gradWeight?[c] += Float(sumGH)
            gradBias?[c] += Float(sumG)
            guard let gradX else { continue }
            // gx = w invStd (gy - mean(gy) - xhat mean(gy xhat))
            let k = weight[c] * invStd[c]
            let meanG = Float(sumG / Double(n)), meanGH = Float(sumGH / Double(n))
            let kv = Float8(repeating: k), mg = Float8(repeating: meanG), mgh = Float8(repeating: meanGH)
            for b in 0..<batch {
                let offset = (b * channels + c) * plane
                let gy = gradY + offset, h = xhat + offset, gx = gradX + offset, mask = reluOutput.map { $0 + offset }
                var p = 0
                while p + 8 <= plane {
                    var g = load8(gy + p)
                    if let mask { g.replace(with: 0, where: load8(mask + p) .<= 0) }
                    store8(load8(gx + p) + kv * (g - mg - load8(h + p) * mgh), gx + p)
                    p += 8
                }
                while p < plane {
                    let g = (mask.map { $0[p] > 0 } ?? true) ? gy[p] : 0
                    gx[p] += k * (g - meanG - h[p] * meanGH)
                    p += 1
                }
            }
        }
    }
}

/// Batch normalisation with fixed statistics (evaluation mode):
/// `xhat = (x - runningMean_c) / sqrt(runningVar_c + eps)`, `y = weight_c * xhat + bias_c`.
/// Writes `invStd` and `xhat` for the backward. With `relu`, `y = max(0, .)`.
public func batchNormInferenceForward(
    x: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int, eps: Float,
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    runningMean: UnsafePointer<Float>, runningVariance: UnsafePointer<Float>,
    invStd: UnsafeMutablePointer<Float>, xhat: UnsafeMutablePointer<Float>?, y: UnsafeMutablePointer<Float>, relu: Bool = false
) {
    let floor: Float = relu ? 0 : -.infinity
    for c in 0..<channels {
        let inv = 1 / (runningVariance[c] + eps).squareRoot()
        invStd[c] = inv
        let m = runningMean[c], w = weight[c], bb = bias[c]
        for b in 0..<batch {
            let offset = (b * channels + c) * plane
            for p in 0..<plane {
                let h = (x[offset + p] - m) * inv
                xhat?[offset + p] = h
                y[offset + p] = max(w * h + bb, floor)
            }
        }
    }
}

/// Backward of evaluation-mode batch norm: `gx += gy * weight * invStd`,
/// `gWeight += sum(gy * xhat)`, `gBias += sum(gy)`; with `reluOutput`, `gy` counts only where `y > 0`.
public func batchNormInferenceBackward(
    gradY: UnsafePointer<Float>, xhat: UnsafePointer<Float>, invStd: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    batch: Int, channels: Int, plane: Int,
    gradX: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?,
    reluOutput: UnsafePointer<Float>? = nil
) {
    for c in 0..<channels {
        var sumG: Float = 0, sumGH: Float = 0
        let k = weight[c] * invStd[c]
        for b in 0..<batch {
            let offset = (b * channels + c) * plane
            for p in 0..<plane {
                let g = reluOutput.map { $0[offset + p] > 0 ? gradY[offset + p] : 0 } ?? gradY[offset + p]
                sumG += g; sumGH += g * xhat[offset + p]
                gradX?[offset + p] += g * k
            }
        }
        gradWeight?[c] += sumGH
        gradBias?[c] += sumG
    }
}

/// `sum_i p[i]` with four vector accumulators (the plain loop is one dependent add per element).
@inline(__always)
func vectorSum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var a0 = Float8(), a1 = Float8(), a2 = Float8(), a3 = Float8(), i = 0
    while i + 32 <= n {
        a0 += load8(p + i); a1 += load8(p + i + 8); a2 += load8(p + i + 16); a3 += load8(p + i + 24)
        i += 32
    }
    while i + 8 <= n { a0 += load8(p + i); i += 8 }
    var tail: Float = 0
    while i < n { tail += p[i]; i += 1 }
    return ((a0 + a1) + (a2 + a3)).sum() + tail
}

/// `sum_i (p[i] - mean)^2`, vectorised like `vectorSum`.
@inline(__always)
func vectorSquaredDeviations(_ p: UnsafePointer<Float>, _ n: Int, from mean: Float) -> Float {
    let m = Float8(repeating: mean)
    var a0 = Float8(), a1 = Float8(), i = 0
    while i + 16 <= n {
        let d0 = load8(p + i) - m, d1 = load8(p + i + 8) - m
        a0.addProduct(d0, d0); a1.addProduct(d1, d1)
        i += 16
    }
    while i + 8 <= n { let d = load8(p + i) - m; a0.addProduct(d, d); i += 8 }
    var tail: Float = 0
    while i < n { let d = p[i] - mean; tail += d * d; i += 1 }
    return (a0 + a1).sum() + tail
}

/// `(sum_i g[i], sum_i g[i] h[i])`, vectorised like `vectorSum`; with `mask`, `g[i]` counts only
/// where `mask[i] > 0` (the gradient through a ReLU whose output is `mask`).
@inline(__always)
func vectorSumAndDot(_ g: UnsafePointer<Float>, _ h: UnsafePointer<Float>, mask: UnsafePointer<Float>?, _ n: Int) -> (Float, Float) {
    @inline(__always) func gradient(_ i: Int) -> Float8 {
        let v = load8(g + i)
        guard let mask else { return v }
        return v.replacing(with: 0, where: load8(mask + i) .<= 0)
    }
    var s0 = Float8(), s1 = Float8(), d0 = Float8(), d1 = Float8(), i = 0
    while i + 16 <= n {
        let g0 = gradient(i), g1 = gradient(i + 8)
        s0 += g0; s1 += g1
        d0.addProduct(g0, load8(h + i)); d1.addProduct(g1, load8(h + i + 8))
        i += 16
    }
    while i + 8 <= n { let g0 = gradient(i); s0 += g0; d0.addProduct(g0, load8(h + i)); i += 8 }
    var ts: Float = 0, td: Float = 0
    while i < n {
        let gi = (mask.map { $0[i] > 0 } ?? true) ? g[i] : 0
        ts += gi; td += gi * h[i]; i += 1
    }
    return ((s0 + s1).sum() + ts, (d0 + d1).sum() + td)
}
