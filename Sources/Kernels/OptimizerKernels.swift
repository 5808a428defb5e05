/// Element-wise passes of the optimizers over the parameters of a model, eight lanes at a time and
/// over the cores, with the same arithmetic, in the same order, as a plain loop (IEEE square roots
/// and divisions are exact in every lane, so the results are identical).

/// Constants of one Adam step (`torch.optim.Adam`, `AdamW`); see `adamUpdate`.
public struct AdamStepConstants: Sendable {
    public var stepSize: Float, beta1: Float, beta2: Float, bias2Root: Float, eps: Float
    /// Adam's L2 term (`g = grad + l2 * p`) and AdamW's decoupled factor (`p *= decay` first).
    public var l2: Float, decay: Float

    public init(stepSize: Float, beta1: Float, beta2: Float, bias2Root: Float, eps: Float, l2: Float, decay: Float) {
        self.stepSize = stepSize; self.beta1 = beta1; self.beta2 = beta2; self.bias2Root = bias2Root
        self.eps = eps; self.l2 = l2; self.decay = decay
    }
}

/// One Adam step over `count` parameters: `p *= decay`, `g = grad + l2 p`,
/// `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`, `p -= stepSize m / (sqrt(v) / bias2Root + eps)`.
public func adamUpdate(values p: UnsafeMutablePointer<Float>, gradients grad: UnsafePointer<Float>,
                       firstMoment m: UnsafeMutablePointer<Float>, secondMoment v: UnsafeMutablePointer<Float>,
                       count: Int, _ c: AdamStepConstants) {
    let oneMinusB1 = 1 - c.beta1, oneMinusB2 = 1 - c.beta2
    forEachSlice(of: count, minimumPerSlice: elementwiseSliceMinimum) { slice in
        @inline(__always) func lanes(_ i: Int, _ n: Int) {
            let pi = load(p + i, n) * c.decay
            let g = load(grad + i, n) + c.l2 * pi
            let mi = c.beta1 * load(m + i, n) + oneMinusB1 * g
            let vi = c.beta2 * load(v + i, n) + oneMinusB2 * g * g
            store(mi, m + i, n); store(vi, v + i, n)
            store(pi - c.stepSize * mi / (vi.squareRoot() / c.bias2Root + c.eps), p + i, n)
        }
        forEachLaneGroup(slice, lanes)
    }
}

/// `sum x[i]^2` over `count` floats, accumulated in Double (per core, then added in slice order).
public func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
    let slices = sliceCount(of: count, minimumPerSlice: elementwiseSliceMinimum)
    var partial = [Double](repeating: 0, count: slices)
    partial.withUnsafeMutableBufferPointer { sums in
        let sums = SharedPointer(sums.baseAddress!)
        forEachSlice(of: count, slices: slices) { slice, range in
            var a = SIMD8<Double>(), b = SIMD8<Double>()
            var i = range.lowerBound
            while i + 16 <= range.upperBound {
                let x0 = SIMD8<Double>(load8(x + i)), x1 = SIMD8<Double>(load8(x + i + 8))
                a.addProduct(x0, x0); b.addProduct(x1, x1)
                i += 16
            }
            var total = (a + b).sum()
            while i < range.upperBound { total += Double(x[i]) * Double(x[i]); i += 1 }
            sums.pointer[slice] = total
        }
    }
    return partial.reduce(0, +)
}

/// `x[i] *= factor` over `count` floats.
public func scaleInPlace(_ x: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
    forEachSlice(of: count, minimumPerSlice: elementwiseSliceMinimum) { slice in
        @inline(__always) func lanes(_ i: Int, _ n: Int) { store(load(x + i, n) * factor, x + i, n) }
        forEachLaneGroup(slice, lanes)
    }
}
