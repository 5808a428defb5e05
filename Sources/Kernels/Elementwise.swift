import Foundation

/// Element-wise binary operations with their backward rules.
public enum BinaryOperation: Sendable {
    case add, subtract, multiply, divide

    @inline(__always)
    func apply(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        }
    }
}

/// Describes how an operand of shape `shape` is read when broadcast to `outputShape`
/// (NumPy rules: shapes are right-aligned, a size-1 dimension repeats).
/// The strides are element strides into the operand, 0 on broadcast dimensions.
public func broadcastStrides(_ shape: [Int], to outputShape: [Int]) -> [Int] {
    precondition(shape.count <= outputShape.count, "cannot broadcast \(shape) to \(outputShape)")
    var strides = [Int](repeating: 0, count: outputShape.count)
    var step = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        let outAxis = axis + outputShape.count - shape.count
        if shape[axis] == outputShape[outAxis] {
            strides[outAxis] = shape[axis] == 1 ? 0 : step
        } else {
            precondition(shape[axis] == 1, "cannot broadcast \(shape) to \(outputShape)")
            strides[outAxis] = 0
        }
        step *= shape[axis]
    }
    return strides
}

/// Visits every element of `outputShape` in row-major order, calling `body(outIndex, aIndex, bIndex)`
/// with the matching element offsets of two operands described by their broadcast strides.
/// The innermost dimension is a tight loop.
@inline(__always)
func forEachBroadcast(
    _ outputShape: [Int], _ aStrides: [Int], _ bStrides: [Int],
    _ body: (Int, Int, Int) -> Void
) {
    let rank = outputShape.count
    if rank == 0 { body(0, 0, 0); return }
    let inner = outputShape[rank - 1]
    let aInner = aStrides[rank - 1], bInner = bStrides[rank - 1]
    let total = outputShape.reduce(1, *)
    if total == 0 { return }
    var counter = [Int](repeating: 0, count: rank)
    var aBase = 0, bBase = 0, out = 0
    while out < total {
        var ai = aBase, bi = bBase
        for _ in 0..<inner {
            body(out, ai, bi)
            out += 1; ai += aInner; bi += bInner
        }
        // Advance the outer counter.
        var axis = rank - 2
        while axis >= 0 {
            counter[axis] += 1
            aBase += aStrides[axis]; bBase += bStrides[axis]
            if counter[axis] < outputShape[axis] { break }
            aBase -= aStrides[axis] * outputShape[axis]
            bBase -= bStrides[axis] * outputShape[axis]
            counter[axis] = 0
            axis -= 1
        }
        if axis < 0 { break }
    }
}

/// Whether `shape` (without leading 1s) is the trailing part of `outputShape`, so the operand is one
/// row repeated over the leading axes.
@inline(__always)
func isTrailingRow(_ shape: [Int], of outputShape: [Int]) -> Bool {
    let trimmed = shape.drop { $0 == 1 }
    guard !trimmed.isEmpty, trimmed.count <= outputShape.count else { return false }
    return Array(outputShape.suffix(trimmed.count)) == Array(trimmed)
}

/// `out = a (op) b` with broadcasting; `aShape` and `bShape` broadcast to `outputShape`.
/// Same-shape and scalar operands take a flat fast path.
public func binaryForward(
    _ op: BinaryOperation,
    a: UnsafePointer<Float>, aShape: [Int],
    b: UnsafePointer<Float>, bShape: [Int],
    out: UnsafeMutablePointer<Float>, outputShape: [Int]
) {
    let count = outputShape.reduce(1, *)
    let aCount = aShape.reduce(1, *), bCount = bShape.reduce(1, *)
    if aCount == count && bCount == 1 {
        let s = b[0]
        for i in 0..<count { out[i] = op.apply(a[i], s) }
        return
    }
    if aCount == count && bCount > 0 && (bCount == count || isTrailingRow(bShape, of: outputShape)) {
        // b as large as a (one row), or a row vector repeated over the leading axes (a bias):
        // one tight loop per row.
        for r in 0..<(count / bCount) {
            let ar = a + r * bCount, o = out + r * bCount
            switch op {
            case .add: for j in 0..<bCount { o[j] = ar[j] + b[j] }
            case .subtract: for j in 0..<bCount { o[j] = ar[j] - b[j] }
            case .multiply: for j in 0..<bCount { o[j] = ar[j] * b[j] }
            case .divide: for j in 0..<bCount { o[j] = ar[j] / b[j] }
            }
        }
        return
    }
    let aStrides = broadcastStrides(aShape, to: outputShape)
    let bStrides = broadcastStrides(bShape, to: outputShape)
    forEachBroadcast(outputShape, aStrides, bStrides) { o, i, j in
        out[o] = op.apply(a[i], b[j])
    }
}

/// Backward of `out = a (op) b`: adds `d out / d a` and `d out / d b` times `gradOutput`
/// into `gradA` and `gradB` (either may be nil), summing over broadcast dimensions.
public func binaryBackward(
    _ op: BinaryOperation,
    a: UnsafePointer<Float>, aShape: [Int],
    b: UnsafePointer<Float>, bShape: [Int],
    gradOutput: UnsafePointer<Float>, outputShape: [Int],
    gradA: UnsafeMutablePointer<Float>?, gradB: UnsafeMutablePointer<Float>?
) {
    let aStrides = broadcastStrides(aShape, to: outputShape)
    let bStrides = broadcastStrides(bShape, to: outputShape)
    let count = outputShape.reduce(1, *)
    let sameShape = aShape.reduce(1, *) == count && bShape.reduce(1, *) == count
    let bCount = bShape.reduce(1, *)
    if (op == .add || op == .subtract) && aShape.reduce(1, *) == count && bCount < count && isTrailingRow(bShape, of: outputShape) {
        // The gradient of a repeated row (a bias) is the column sum of the output gradient.
        let sign: Float = op == .add ? 1 : -1
        if let gradA { for i in 0..<count { gradA[i] += gradOutput[i] } }
        if let gradB {
            for r in 0..<(count / bCount) {
                let g = gradOutput + r * bCount
                for j in 0..<bCount { gradB[j] += sign * g[j] }
            }
        }
        return
    }
    switch op {
    case .add, .subtract:
        let sign: Float = op == .add ? 1 : -1
        if sameShape {
            if let gradA { for i in 0..<count { gradA[i] += gradOutput[i] } }
            if let gradB { for i in 0..<count { gradB[i] += sign * gradOutput[i] } }
            return
        }
        forEachBroadcast(outputShape, aStrides, bStrides) { o, i, j in
            let g = gradOutput[o]
            gradA?[i] += g
            gradB?[j] += sign * g
        }
    case .multiply:
        forEachBroadcast(outputShape, aStrides, bStrides) { o, i, j in
            let g = gradOutput[o]
            gradA?[i] += g * b[j]
            gradB?[j] += g * a[i]
        }
    case .divide:
        forEachBroadcast(outputShape, aStrides, bStrides) { o, i, j in
            let g = gradOutput[o]
            let inv = 1 / b[j]
            gradA?[i] += g * inv
            gradB?[j] -= g * a[i] * inv * inv
        }
    }
}

/// Element-wise functions of one argument. Backward rules use the saved input `x` and/or output `y`.
public enum UnaryFunction: Sendable {
    case exp, log, tanh, sigmoid, relu, negate, square, sqrt

    /// y = f(x).
    @inline(__always)
    public func value(_ x: Float) -> Float {
        switch self {
        case .exp: return Foundation.exp(x)
        case .log: return Foundation.log(x)
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .relu: return x > 0 ? x : 0
        case .negate: return -x
        case .square: return x * x
        case .sqrt: return x.squareRoot()
        }
    }

    /// dy/dx written with the input x and the output y.
    @inline(__always)
    public func derivative(x: Float, y: Float) -> Float {
        switch self {
        case .exp: return y
        case .log: return 1 / x
        case .tanh: return 1 - y * y
        case .sigmoid: return y * (1 - y)
        case .relu: return x > 0 ? 1 : 0
        case .negate: return -1
        case .square: return 2 * x
        case .sqrt: return 0.5 / y
        }
    }
}

/// `y[i] = f(x[i])` for `count` elements.
/// tanh, sigmoid and exp use the vectorised `fastTanh`, `fastSigmoid`, `fastExp` (within ~2 ulp of libm).
/// Large inputs are split over the cores.
public func unaryForward(_ f: UnaryFunction, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int) {
    forEachSlice(of: count, minimumPerSlice: elementwiseSliceMinimum) { r in
        unaryForwardSlice(f, x: x + r.lowerBound, y: y + r.lowerBound, count: r.count)
    }
}

private func unaryForwardSlice(_ f: UnaryFunction, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, count: Int) {
    switch f {
    case .relu: for i in 0..<count { y[i] = x[i] > 0 ? x[i] : 0 }
    case .tanh: vectorMap(x, y, count, fastTanh)
    case .sigmoid: vectorMap(x, y, count, fastSigmoid)
    case .exp: vectorMap(x, y, count, fastExp)
    default: for i in 0..<count { y[i] = f.value(x[i]) }
    }
}

/// `y[i] = f(x[i])` eight lanes at a time, the tail through a partial vector (for a lane-wise `f`,
/// every element gets the value it would get in a full vector). `x` and `y` may be the same.
@inlinable @inline(__always)
public func vectorMap(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int, _ f: (Float8) -> Float8) {
    var i = 0
    while i + 8 <= count {
        store8(f(load8(x + i)), y + i)
        i += 8
    }
    if i < count {
        var v = Float8()
        for k in 0..<(count - i) { v[k] = x[i + k] }
        let r = f(v)
        for k in 0..<(count - i) { y[i + k] = r[k] }
    }
}

/// `gradX[i] += gradY[i] * f'(x[i])`, with f' written through the saved input and output.
/// Large inputs are split over the cores.
public func unaryBackward(
    _ f: UnaryFunction, x: UnsafePointer<Float>, y: UnsafePointer<Float>,
    gradY: UnsafePointer<Float>, gradX: UnsafeMutablePointer<Float>, count: Int
) {
    forEachSlice(of: count, minimumPerSlice: elementwiseSliceMinimum) { r in
        let o = r.lowerBound
        unaryBackwardSlice(f, x: x + o, y: y + o, gradY: gradY + o, gradX: gradX + o, count: r.count)
    }
}

private func unaryBackwardSlice(
    _ f: UnaryFunction, x: UnsafePointer<Float>, y: UnsafePointer<Float>,
    gradY: UnsafePointer<Float>, gradX: UnsafeMutablePointer<Float>, count: Int
) {
    // The common cases as their own loops (vectorised), the rest through `derivative`.
    switch f {
    case .relu: for i in 0..<count { gradX[i] += x[i] > 0 ? gradY[i] : 0 }
    case .tanh: for i in 0..<count { gradX[i] += gradY[i] * (1 - y[i] * y[i]) }
    case .sigmoid: for i in 0..<count { gradX[i] += gradY[i] * (y[i] * (1 - y[i])) }
    case .exp: for i in 0..<count { gradX[i] += gradY[i] * y[i] }
    default: for i in 0..<count { gradX[i] += gradY[i] * f.derivative(x: x[i], y: y[i]) }
    }
}

/// `y = alpha * x + beta` element-wise.
public func affineForward(x: UnsafePointer<Float>, alpha: Float, beta: Float, y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { y[i] = alpha * x[i] + beta }
}

/// `y += alpha * x` (BLAS axpy semantics, plain loop).
@inline(__always)
public func accumulate(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int, scale alpha: Float = 1) {
    if alpha == 1 {
        for i in 0..<count { y[i] += x[i] }
    } else {
        for i in 0..<count { y[i] += alpha * x[i] }
    }
}
