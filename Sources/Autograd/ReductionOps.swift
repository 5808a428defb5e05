import Kernels

/// Sums and means over axes.
extension Tensor {
    /// The sum over `axes` (all axes when empty: a scalar). With `keepDims`, reduced axes stay as 1.
    public func sum(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        reduce(axes: axes, keepDims: keepDims, mean: false)
    }

    /// The mean over `axes` (all axes when empty).
    public func mean(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        reduce(axes: axes, keepDims: keepDims, mean: true)
    }

    private func reduce(axes: [Int], keepDims: Bool, mean: Bool) -> Tensor {
        let reduced = Set(axes.isEmpty ? Array(0..<rank) : axes.map { normalizedAxis($0) })
        // One pass per reduced axis, last first, keeping dims; then drop them.
        var result: Tensor = self
        for axis in reduced.sorted(by: >) {
            result = result.reduceAxis(axis, mean: mean)
        }
        if keepDims { return result === self ? result.reshaped(shape) : result }
        let finalShape = shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        return result.reshaped(finalShape)
    }

    /// Sum (or mean) over one axis, kept as size 1.
    private func reduceAxis(_ axis: Int, mean: Bool) -> Tensor {
        let (outer, n, inner) = split3(axis)
        var outShape = shape
        outShape[axis] = 1
        let x = self
        let out = Tensor.output(outShape)
        sumAxisForward(x: data, outer: outer, n: n, inner: inner, y: out.data)
        let scale: Float = mean ? 1 / Float(max(n, 1)) : 1
        if mean { for i in 0..<out.count { out.data[i] *= scale } }
        out.record([x]) { out in
            sumAxisBackward(gradY: out.grad!, outer: outer, n: n, inner: inner, scale: scale, gradX: x.gradientBuffer())
        }
        return out
    }
}
