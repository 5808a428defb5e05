import Kernels

/// The shape two operands broadcast to (NumPy rules), or a precondition failure naming both.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        precondition(da == db || da == 1 || db == 1, "shapes \(a) and \(b) do not broadcast")
        out[i] = da == 1 ? db : da
    }
    return out
}

func binary(_ op: BinaryOperation, _ a: Tensor, _ b: Tensor) -> Tensor {
    let shape = broadcastShape(a.shape, b.shape)
    let out = Tensor.uninitializedOutput(shape)
    binaryForward(op, a: a.data, aShape: a.shape, b: b.data, bShape: b.shape, out: out.data, outputShape: shape)
    out.record([a, b]) { out in
        binaryBackward(op, a: a.data, aShape: a.shape, b: b.data, bShape: b.shape,
                       gradOutput: out.grad!, outputShape: shape,
                       gradA: a.requiresGrad ? a.gradientBuffer() : nil,
                       gradB: b.requiresGrad ? b.gradientBuffer() : nil)
    }
    return out
}

func unary(_ f: UnaryFunction, _ x: Tensor) -> Tensor {
    let out = Tensor.uninitializedOutput(x.shape)
    unaryForward(f, x: x.data, y: out.data, count: x.count)
    out.record([x]) { out in
        unaryBackward(f, x: x.data, y: out.data, gradY: out.grad!, gradX: x.gradientBuffer(), count: x.count)
    }
    return out
}

/// Element-wise arithmetic with broadcasting (NumPy rules), and with Float scalars.
extension Tensor {
    /// `a + b`, broadcast.
    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(.add, a, b) }
    /// `a - b`, broadcast.
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(.subtract, a, b) }
    /// `a * b` element-wise, broadcast.
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(.multiply, a, b) }
    /// `a / b` element-wise, broadcast.
    public static func / (a: Tensor, b: Tensor) -> Tensor { binary(.divide, a, b) }
    /// `-x`.
    public static prefix func - (x: Tensor) -> Tensor { unary(.negate, x) }
    /// `x * s`.
    public static func * (x: Tensor, s: Float) -> Tensor { x.affine(scale: s, shift: 0) }
    /// `s * x`.
    public static func * (s: Float, x: Tensor) -> Tensor { x.affine(scale: s, shift: 0) }
    /// `x + s`.
    public static func + (x: Tensor, s: Float) -> Tensor { x.affine(scale: 1, shift: s) }
    /// `x - s`.
    public static func - (x: Tensor, s: Float) -> Tensor { x.affine(scale: 1, shift: -s) }
    /// `s - x`.
    public static func - (s: Float, x: Tensor) -> Tensor { x.affine(scale: -1, shift: s) }
    /// `x / s`.
    public static func / (x: Tensor, s: Float) -> Tensor { x.affine(scale: 1 / s, shift: 0) }

    /// `scale * x + shift`, element-wise.
    public func affine(scale: Float, shift: Float) -> Tensor {
        let x = self
        let out = Tensor.output(shape)
        affineForward(x: data, alpha: scale, beta: shift, y: out.data, count: count)
        out.record([x]) { out in
            accumulate(out.grad!, into: x.gradientBuffer(), count: x.count, scale: scale)
        }
        return out
    }

    /// `e^x`.
    public func exp() -> Tensor { unary(.exp, self) }
    /// Natural logarithm.
    public func log() -> Tensor { unary(.log, self) }
    /// Hyperbolic tangent.
    public func tanh() -> Tensor { unary(.tanh, self) }
    /// `1 / (1 + e^-x)`.
    public func sigmoid() -> Tensor { unary(.sigmoid, self) }
    /// `max(x, 0)`; the gradient at 0 is 0, as in PyTorch.
    public func relu() -> Tensor { unary(.relu, self) }
    /// `x^2`.
    public func squared() -> Tensor { unary(.square, self) }
    /// `sqrt(x)`.
    public func sqrt() -> Tensor { unary(.sqrt, self) }
}
