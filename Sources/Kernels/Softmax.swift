import Foundation

/// Softmax over the middle axis of `[outer, n, inner]`:
/// `y[o, k, i] = exp(x[o, k, i] - m) / sum_j exp(x[o, j, i] - m)`, m the maximum (for stability).
public func softmaxForward(x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int, y: UnsafeMutablePointer<Float>, log: Bool = false) {
    for o in 0..<outer {
        for i in 0..<inner {
            let base = o * n * inner + i
            var m = -Float.infinity
            for k in 0..<n { m = max(m, x[base + k * inner]) }
            var sum: Float = 0
            for k in 0..<n {
                let e = Foundation.exp(x[base + k * inner] - m)
                y[base + k * inner] = e
                sum += e
            }
            if log {
                let logSum = Foundation.log(sum) + m
                for k in 0..<n { y[base + k * inner] = x[base + k * inner] - logSum }
            } else {
                let inv = 1 / sum
                for k in 0..<n { y[base + k * inner] *= inv }
            }
        }
    }
}

/// Backward of softmax: `gx_k += y_k * (gy_k - sum_j gy_j y_j)`.
/// Backward of log-softmax (`log: true`, y = log-probabilities): `gx_k += gy_k - exp(y_k) * sum_j gy_j`.
public func softmaxBackward(
    y: UnsafePointer<Float>, gradY: UnsafePointer<Float>, outer: Int, n: Int, inner: Int,
    gradX: UnsafeMutablePointer<Float>, log: Bool = false
) {
    for o in 0..<outer {
        for i in 0..<inner {
            let base = o * n * inner + i
            var dot: Float = 0
            if log {
                for k in 0..<n { dot += gradY[base + k * inner] }
                for k in 0..<n {
                    let idx = base + k * inner
                    gradX[idx] += gradY[idx] - Foundation.exp(y[idx]) * dot
                }
            } else {
                for k in 0..<n { dot += gradY[base + k * inner] * y[base + k * inner] }
                for k in 0..<n {
                    let idx = base + k * inner
                    gradX[idx] += y[idx] * (gradY[idx] - dot)
                }
            }
        }
    }
}

/// Cross-entropy of `logits [rows, classes]` against `targets [rows]`, fused with the softmax:
/// `loss = sum_i w_i * (-log softmax(logits_i)[t_i]) / sum_i w_i` over rows whose target is not
/// `ignoreIndex`, `w_i = weights[i]` (or 1). Writes the softmax probabilities into `probabilities`
/// (kept for the backward) and returns `(loss, sum_i w_i)`. With no counted row the loss is 0.
public func crossEntropyForward(
    logits: UnsafePointer<Float>, rows: Int, classes: Int,
    targets: UnsafeBufferPointer<Int32>, weights: UnsafePointer<Float>?, ignoreIndex: Int32,
    probabilities: UnsafeMutablePointer<Float>
) -> (loss: Float, weightSum: Float) {
    var total = 0.0, weightSum = 0.0
    for r in 0..<rows {
        let row = logits + r * classes
        let p = probabilities + r * classes
        var m = -Float.infinity
        for c in 0..<classes { m = max(m, row[c]) }
        // p = exp(row - m), eight lanes at a time.
        var sums = Float8()
        var c = 0
        let shift = Float8(repeating: m)
        while c + 8 <= classes {
            let e = fastExp(load8(row + c) - shift)
            store8(e, p + c)
            sums += e
            c += 8
        }
        var sum = sums.sum()
        while c < classes { let e = fastExp(row[c] - m); p[c] = e; sum += e; c += 1 }
        let inv = 1 / sum
        for c in 0..<classes { p[c] *= inv }
        let t = targets[r]
        if t == ignoreIndex { continue }
        let w = Double(weights?[r] ?? 1)
        let logProb = Double(row[Int(t)] - m) - Double(Foundation.log(sum))
        total -= w * logProb
        weightSum += w
    }
    if weightSum == 0 { return (0, 0) }
    return (Float(total / weightSum), Float(weightSum))
}

/// Backward of `crossEntropyForward`: `gLogits_i += gradLoss * w_i / W * (p_i - onehot(t_i))`.
public func crossEntropyBackward(
    probabilities: UnsafePointer<Float>, rows: Int, classes: Int,
    targets: UnsafeBufferPointer<Int32>, weights: UnsafePointer<Float>?, ignoreIndex: Int32,
    weightSum: Float, gradLoss: Float, gradLogits: UnsafeMutablePointer<Float>
) {
    if weightSum == 0 { return }
    for r in 0..<rows {
        let t = targets[r]
        if t == ignoreIndex { continue }
        let scale = gradLoss * (weights?[r] ?? 1) / weightSum
        let p = probabilities + r * classes
        let g = gradLogits + r * classes
        for c in 0..<classes { g[c] += scale * p[c] }
        g[Int(t)] -= scale
    }
}
