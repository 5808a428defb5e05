import Kernels

/// Views of a tensor's elements under another shape or axis order, and joining or cutting tensors.
extension Tensor {
    /// The same elements under a new shape (one axis may be -1, inferred). Shares the elements;
    /// the gradient flows back unchanged.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[inferred] = count / known
        }
        precondition(Tensor.elementCount(resolved) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        return view(offset: 0, shape: resolved)
    }

    /// A view of `shape.reduce(1, *)` elements of this tensor starting at `offset` (shares the
    /// elements, and its gradient is that slice of this tensor's). Ops with several results build them
    /// as views of one joint tensor, so the joint op's backward runs once, after all of them.
    func view(offset: Int, shape: [Int]) -> Tensor {
        let parent = self
        let out = Tensor(shape: shape, storage: storage, offset: (data - storage.pointer) + offset)
        // The gradient arrives in the parent's own (`gradientBase`): nothing to add in the backward.
        out.record([parent]) { _ in }
        if out.requiresGrad { out.gradientBase = (parent, offset) }
        return out
    }

    /// The axes reordered: axis `i` of the result is axis `permutation[i]` of this tensor
    /// (PyTorch's `permute`). Copies.
    public func permuted(_ permutation: [Int]) -> Tensor {
        precondition(permutation.sorted() == Array(0..<rank), "\(permutation) is not a permutation of the \(rank) axes of \(shape)")
        let x = self
        let out = Tensor.uninitializedOutput(permutation.map { shape[$0] })
        permuteCopy(x: data, shape: shape, permutation: permutation, y: out.data)
        out.record([x]) { out in
            var inverse = [Int](repeating: 0, count: permutation.count)
            for (i, p) in permutation.enumerated() { inverse[p] = i }
            permuteCopy(x: out.grad!, shape: out.shape, permutation: inverse, y: x.gradientBuffer(), accumulate: true)
        }
        return out
    }

    /// Swaps two axes (copies).
    public func transposed(_ axis0: Int = -2, _ axis1: Int = -1) -> Tensor {
        let a0 = normalizedAxis(axis0), a1 = normalizedAxis(axis1)
        var permutation = Array(0..<rank)
        permutation.swapAt(a0, a1)
        return permuted(permutation)
    }

    /// A negative axis counted from the end, checked against the rank.
    public func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) is out of range for shape \(shape)")
        return a
    }

    /// `[outer, n, inner]` around `axis`.
    func split3(_ axis: Int) -> (outer: Int, n: Int, inner: Int) {
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    /// The elements `range` along `axis` (copies).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let a = normalizedAxis(axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[a], "slice \(range) is outside axis \(a) of \(shape)")
        let (outer, n, inner) = split3(a)
        var outShape = shape
        outShape[a] = range.count
        let x = self
        let out = Tensor.output(outShape)
        sliceCopy(x: data, outer: outer, total: n, inner: inner, start: range.lowerBound, n: range.count, y: out.data)
        out.record([x]) { out in
            sliceCopy(x: x.gradientBuffer(), outer: outer, total: n, inner: inner, start: range.lowerBound,
                      n: range.count, y: out.grad!, reverseAccumulate: true)
        }
        return out
    }

    /// Cuts the tensor along `axis` into consecutive pieces of the given sizes (which must add up).
    public func split(sizes: [Int], axis: Int) -> [Tensor] {
        let a = normalizedAxis(axis)
        precondition(sizes.reduce(0, +) == shape[a], "split sizes \(sizes) do not add up to \(shape[a]) on axis \(a) of \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: a, start..<(start + size))
        }
    }

    /// Joins tensors along `axis`; every other axis must agree.
    public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concat needs at least one tensor")
        let first = tensors[0]
        let a = first.normalizedAxis(axis)
        var outShape = first.shape
        outShape[a] = 0
        for t in tensors {
            var s = t.shape
            precondition(s.count == first.rank, "concat: shapes \(first.shape) and \(t.shape) differ in rank")
            outShape[a] += s[a]
            s[a] = first.shape[a]
            precondition(s == first.shape, "concat: shapes \(first.shape) and \(t.shape) differ off axis \(a)")
        }
        let out = Tensor.output(outShape)
        let outer = outShape[..<a].reduce(1, *), inner = outShape[(a + 1)...].reduce(1, *)
        var starts: [Int] = []
        var start = 0
        for t in tensors {
            starts.append(start)
            sliceCopy(x: out.data, outer: outer, total: outShape[a], inner: inner, start: start, n: t.shape[a],
                      y: t.data, reverseAssign: true)
            start += t.shape[a]
        }
        out.record(tensors) { out in
            for (t, s) in zip(tensors, starts) where t.requiresGrad {
                // gradient of a concat is the slice of the output gradient
                let g = t.gradientBuffer()
                let block = t.shape[a] * inner
                for o in 0..<outer {
                    accumulate(out.grad! + (o * outShape[a] + s) * inner, into: g + o * block, count: block)
                }
            }
        }
        return out
    }

    /// Rows of this tensor picked by `indices` along axis 0 (an embedding lookup):
    /// result shape `[indices.count] + shape[1...]`; the backward adds rows back (repeats sum).
    public func indexSelect(_ indices: [Int32]) -> Tensor {
        precondition(rank >= 1, "indexSelect needs at least one axis")
        let rows = shape[0]
        for i in indices {
            precondition(i >= 0 && Int(i) < rows, "index \(i) is out of range for \(rows) rows")
        }
        let rowSize = count / max(rows, 1)
        let x = self
        let out = Tensor.output([indices.count] + shape.dropFirst())
        indices.withUnsafeBufferPointer { gatherRows(x: data, rowSize: rowSize, indices: $0, y: out.data) }
        out.record([x]) { out in
            indices.withUnsafeBufferPointer {
                scatterAddRows(gradY: out.grad!, rowSize: rowSize, indices: $0, gradX: x.gradientBuffer())
            }
        }
        return out
    }
}
