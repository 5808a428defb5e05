/// Sum over the middle axis of a tensor viewed as `[outer, n, inner]`:
/// `y[o, i] = sum_k x[o, k, i]`, `y` of size `outer * inner`. Accumulates in Float with
/// the inner axis vectorised.
public func sumAxisForward(x: UnsafePointer<Float>, outer: Int, n: Int, inner: Int, y: UnsafeMutablePointer<Float>) {
    for o in 0..<outer {
        let yo = y + o * inner
        yo.update(repeating: 0, count: inner)
        if inner == 1 {
            var s: Float = 0
            let xo = x + o * n
            for k in 0..<n { s += xo[k] }
            yo[0] = s
            continue
        }
        for k in 0..<n {
            let xk = x + (o * n + k) * inner
            for i in 0..<inner { yo[i] += xk[i] }
        }
    }
}

/// Backward of `sumAxisForward`: `gradX[o, k, i] += scale * gradY[o, i]` for every k.
public func sumAxisBackward(gradY: UnsafePointer<Float>, outer: Int, n: Int, inner: Int, scale: Float, gradX: UnsafeMutablePointer<Float>) {
    for o in 0..<outer {
        let go = gradY + o * inner
        for k in 0..<n {
            let gx = gradX + (o * n + k) * inner
            for i in 0..<inner { gx[i] += scale * go[i] }
        }
    }
}

/// Row-major strides of a shape.
public func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis] = s
        s *= shape[axis]
    }
    return strides
}

/// Copies `x` (shape `shape`) into `y` with its axes reordered: `y` has shape
/// `permutation.map { shape[$0] }` and `y[i_0, ..., i_r] = x[...]` where axis `a` of `y` is axis
/// `permutation[a]` of `x`. With `accumulate`, adds into `y` instead.
public func permuteCopy(
    x: UnsafePointer<Float>, shape: [Int], permutation: [Int],
    y: UnsafeMutablePointer<Float>, accumulate: Bool = false
) {
    let rank = shape.count
    let count = shape.reduce(1, *)
    if count == 0 { return }
    let inStrides = contiguousStrides(shape)
    let outShape = permutation.map { shape[$0] }
    let strides = permutation.map { inStrides[$0] }   // stride in x for each y axis
    if rank == 0 {
        if accumulate { y[0] += x[0] } else { y[0] = x[0] }
        return
    }
    let inner = outShape[rank - 1], innerStride = strides[rank - 1]
    var counter = [Int](repeating: 0, count: rank)
    var base = 0, out = 0
    while out < count {
        var xi = base
        if accumulate {
            for _ in 0..<inner { y[out] += x[xi]; out += 1; xi += innerStride }
        } else {
            for _ in 0..<inner { y[out] = x[xi]; out += 1; xi += innerStride }
        }
        var axis = rank - 2
        while axis >= 0 {
            counter[axis] += 1
            base += strides[axis]
            if counter[axis] < outShape[axis] { break }
            base -= strides[axis] * outShape[axis]
            counter[axis] = 0
            axis -= 1
        }
        if axis < 0 { break }
    }
}

/// Copies a block `[outer, n, inner]` window of `x` (`[outer, total, inner]`, window starting at
/// `start` on the middle axis) into `y` (`[outer, n, inner]`). With `reverse`, copies (adds) from
/// `y` back into the window of `x` instead — the backward of a slice and the forward of a concat.
public func sliceCopy(
    x: UnsafeMutablePointer<Float>, outer: Int, total: Int, inner: Int,
    start: Int, n: Int, y: UnsafeMutablePointer<Float>, reverseAccumulate: Bool = false, reverseAssign: Bool = false
) {
    let block = n * inner
    for o in 0..<outer {
        let xo = x + (o * total + start) * inner
        let yo = y + o * block
        if reverseAccumulate {
            for i in 0..<block { xo[i] += yo[i] }
        } else if reverseAssign {
            xo.update(from: yo, count: block)
        } else {
            yo.update(from: xo, count: block)
        }
    }
}

/// Gathers rows: `y[i, :] = x[indices[i], :]` with rows of `rowSize` elements.
/// Every index must lie in `0..<rows` (checked by the caller).
public func gatherRows(x: UnsafePointer<Float>, rowSize: Int, indices: UnsafeBufferPointer<Int32>, y: UnsafeMutablePointer<Float>) {
    for (i, index) in indices.enumerated() {
        (y + i * rowSize).update(from: x + Int(index) * rowSize, count: rowSize)
    }
}

/// Backward of `gatherRows`: `gradX[indices[i], :] += gradY[i, :]` (repeated indices add up).
public func scatterAddRows(gradY: UnsafePointer<Float>, rowSize: Int, indices: UnsafeBufferPointer<Int32>, gradX: UnsafeMutablePointer<Float>) {
    for (i, index) in indices.enumerated() {
        let gx = gradX + Int(index) * rowSize
        let gy = gradY + i * rowSize
        for j in 0..<rowSize { gx[j] += gy[j] }
    }
}
