/// Additive (Bahdanau / Show-Attend-Tell) attention scores in one pass:
/// `scores[b, l] = bias + sum_a w[a] * act(P[b, l, a] + q[b, a])`, act tanh or relu.
/// Shapes: `P [B, L, A]` (the projected features), `q [B, A]` (the projected hidden state),
/// `w [A]`; `activated [B, L, A]` keeps `act(.)` for the backward (nil when there is none: decoding).
public func additiveAttentionForward(
    projected: UnsafePointer<Float>, query: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: Float,
    batch: Int, locations: Int, width: Int, relu: Bool,
    activated: UnsafeMutablePointer<Float>?, scores: UnsafeMutablePointer<Float>
) {
    // One specialised loop per activation, so the inner loop is straight-line vector code.
    if relu {
        attentionScores(Relu8.self, projected, query, weight, bias, batch, locations, width, activated, scores)
    } else {
        attentionScores(Tanh8.self, projected, query, weight, bias, batch, locations, width, activated, scores)
    }
}

/// An attention nonlinearity as a type, for specialisation.
private protocol AttentionNonlinearity {
    static func apply(_ x: Float8) -> Float8
    static func apply(_ x: Float) -> Float
}

private enum Tanh8: AttentionNonlinearity {
    @inline(__always) static func apply(_ x: Float8) -> Float8 { fastTanh(x) }
    @inline(__always) static func apply(_ x: Float) -> Float { fastTanh(x) }
}

private enum Relu8: AttentionNonlinearity {
    @inline(__always) static func apply(_ x: Float8) -> Float8 { x.replacing(with: 0, where: x .< 0) }
    @inline(__always) static func apply(_ x: Float) -> Float { max(x, 0) }
}

private func attentionScores<Act: AttentionNonlinearity>(
    _ act: Act.Type, _ projected: UnsafePointer<Float>, _ query: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ bias: Float,
    _ batch: Int, _ locations: Int, _ width: Int, _ activated: UnsafeMutablePointer<Float>?, _ scores: UnsafeMutablePointer<Float>
) {
    let vectorWidth = width - width % 8
    forEachSlice(of: batch, itemSize: locations * width) { images in
        for b in images {
            let q = query + b * width
            for l in 0..<locations {
                let row = (b * locations + l) * width
                let p = projected + row
                var sum = Float8()
                var a = 0
                while a < vectorWidth {
                    let t = Act.apply(load8(p + a) + load8(q + a))
                    if let activated { store8(t, activated + row + a) }
                    sum.addProduct(t, load8(weight + a))
                    a += 8
                }
                var tail: Float = 0
                while a < width {
                    let t = Act.apply(p[a] + q[a])
                    activated?[row + a] = t
                    tail += t * weight[a]
                    a += 1
                }
                scores[b * locations + l] = bias + sum.sum() + tail
            }
        }
    }
}

/// Backward of `additiveAttentionForward`, adding into each gradient given:
/// `d = gradScores[b, l] * w[a] * act'(.)`; `gP[b, l, a] += d`; `gq[b, a] += sum_l d`;
/// `gw[a] += sum_{b,l} gradScores[b, l] * act(.)`; `gBias += sum gradScores`.
public func additiveAttentionBackward(
    gradScores: UnsafePointer<Float>, activated: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    batch: Int, locations: Int, width: Int, relu: Bool,
    gradProjected: UnsafeMutablePointer<Float>?, gradQuery: UnsafeMutablePointer<Float>?,
    gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?
) {
    // Images are split over the cores; the first slice adds its weight and bias gradients in
    // place, the others into their own partial sums (width + 1 floats each), added at the end.
    let slices = sliceCount(of: batch, itemSize: locations * width)
    withUnsafeTemporaryAllocation(of: Float.self, capacity: slices * (width + 1)) { partials in
        let partial = partials.baseAddress!
        partial.initialize(repeating: 0, count: slices * (width + 1))
        forEachSlice(of: batch, slices: slices) { slice, images in
            let gw = slice == 0 ? gradWeight : (gradWeight == nil ? nil : partial + slice * (width + 1))
            let gBias = slice == 0 ? gradBias : (gradBias == nil ? nil : partial + slice * (width + 1) + width)
            for b in images {
                for l in 0..<locations {
                    let g = gradScores[b * locations + l]
                    gBias?[0] += g
                    let row = (b * locations + l) * width
                    let gv = Float8(repeating: g)
                    @inline(__always) func lanes(_ a: Int, _ n: Int) {
                        let t = load(activated + row + a, n)
                        let derivative = relu ? Float8(repeating: 0).replacing(with: 1, where: t .> 0) : 1 - t * t
                        let d = gv * load(weight + a, n) * derivative
                        if let gp = gradProjected { store(load(gp + row + a, n) + d, gp + row + a, n) }
                        if let gq = gradQuery { store(load(gq + b * width + a, n) + d, gq + b * width + a, n) }
                        if let gw { store(load(gw + a, n) + gv * t, gw + a, n) }
                    }
                    forEachLaneGroup(0..<width, lanes)
                }
            }
        }
        for slice in 1..<slices {
            if let gradWeight { accumulate(partial + slice * (width + 1), into: gradWeight, count: width) }
            gradBias?[0] += partial[slice * (width + 1) + width]
        }
    }
}

/// The attention context `context[b, :] = sum_l alpha[b, l] * features[b, l, :]`.
/// Shapes: `alpha [B, L]`, `features [B, L, D]`, `context [B, D]` (overwritten).
public func attentionContextForward(alpha: UnsafePointer<Float>, features: UnsafePointer<Float>, batch: Int, locations: Int, width: Int,
                                    context: UnsafeMutablePointer<Float>) {
    forEachSlice(of: batch, itemSize: locations * width) { images in
        for b in images {
            let out = context + b * width
            out.update(repeating: 0, count: width)
            for l in 0..<locations {
                let a = alpha[b * locations + l], row = features + (b * locations + l) * width
                for j in 0..<width { out[j] += a * row[j] }
            }
        }
    }
}

/// Backward of `attentionContextForward`, adding into each gradient given:
/// `gAlpha[b, l] += gContext[b, :] . features[b, l, :]`, `gFeatures[b, l, :] += alpha[b, l] gContext[b, :]`.
public func attentionContextBackward(gradContext: UnsafePointer<Float>, alpha: UnsafePointer<Float>, features: UnsafePointer<Float>,
                                     batch: Int, locations: Int, width: Int,
                                     gradAlpha: UnsafeMutablePointer<Float>?, gradFeatures: UnsafeMutablePointer<Float>?) {
    forEachSlice(of: batch, itemSize: locations * width) { images in
        for b in images {
            let g = gradContext + b * width
            for l in 0..<locations {
                let index = b * locations + l, row = features + index * width
                if let gradAlpha {
                    var sum = Float8(), tail: Float = 0, j = 0
                    while j + 8 <= width { sum.addProduct(load8(g + j), load8(row + j)); j += 8 }
                    while j < width { tail += g[j] * row[j]; j += 1 }
                    gradAlpha[index] += sum.sum() + tail
                }
                if let gradFeatures {
                    let a = alpha[index], out = gradFeatures + index * width
                    for j in 0..<width { out[j] += a * g[j] }
                }
            }
        }
    }
}
