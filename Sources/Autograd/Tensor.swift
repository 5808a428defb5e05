/// A contiguous, row-major Float32 array with a shape, and the node of the autograd graph that
/// produced it.
///
/// A tensor made by an op on inputs that require gradients records those inputs and a backward
/// function; `backward()` walks the graph in reverse topological order and adds each gradient
/// into `grad`. Parameters are leaves with `requiresGrad == true`; their values and gradients may
/// live inside a `ParameterStore`'s single contiguous buffers.
public final class Tensor {
    /// The extent of each axis; `[]` is a scalar.
    public let shape: [Int]
    /// The number of elements, `shape.reduce(1, *)`.
    public let count: Int
    /// The first element. Valid while the tensor lives.
    public internal(set) var data: UnsafeMutablePointer<Float>
    var storage: Buffer
    /// Whether gradients flow to this tensor.
    public internal(set) var requiresGrad: Bool
    /// The gradient of the last `backward()` with respect to this tensor, same shape; nil until one arrives.
    public internal(set) var grad: UnsafeMutablePointer<Float>?
    var gradStorage: Buffer?
    /// For a view of another tensor's elements (`reshaped`, a recurrent op's results): that tensor
    /// and the view's offset in it. The view's gradient is then that slice of the other tensor's
    /// gradient, so gradients flow into it in place and the view's backward has nothing to add.
    var gradientBase: (tensor: Tensor, offset: Int)?
    var inputs: [Tensor] = []
    var backwardFunction: ((Tensor) -> Void)?

    /// A tensor over `count` elements of an existing buffer, starting at `offset`.
    init(shape: [Int], storage: Buffer, offset: Int = 0, requiresGrad: Bool = false) {
        let count = Tensor.elementCount(shape)
        precondition(offset >= 0 && offset + count <= storage.count, "view [\(offset), \(offset + count)) is outside a buffer of \(storage.count)")
        self.shape = shape
        self.count = count
        self.storage = storage
        self.data = storage.pointer + offset
        self.requiresGrad = requiresGrad
    }

    /// A tensor of the given shape with every element `value` (zeros by default).
    public convenience init(zeros shape: [Int], value: Float = 0, requiresGrad: Bool = false) {
        self.init(shape: shape, storage: Buffer(count: Tensor.elementCount(shape), value: value), requiresGrad: requiresGrad)
    }

    /// A tensor holding `values` in row-major order; `values.count` must match the shape.
    public convenience init(shape: [Int], values: [Float], requiresGrad: Bool = false) {
        let count = Tensor.elementCount(shape)
        precondition(values.count == count, "shape \(shape) holds \(count) elements, but \(values.count) values were given")
        self.init(zeros: shape, requiresGrad: requiresGrad)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    /// A scalar (shape `[]`).
    public convenience init(scalar: Float, requiresGrad: Bool = false) {
        self.init(shape: [], values: [scalar], requiresGrad: requiresGrad)
    }

    /// Samples from N(mean, std^2) drawn from `generator`.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, generator: inout SeededGenerator, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(zeros: shape, requiresGrad: requiresGrad)
        for i in 0..<t.count { t.data[i] = mean + std * generator.nextNormal() }
        return t
    }

    /// Samples from U(low, high) drawn from `generator`.
    public static func uniform(_ shape: [Int], low: Float, high: Float, generator: inout SeededGenerator, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(zeros: shape, requiresGrad: requiresGrad)
        for i in 0..<t.count { t.data[i] = generator.uniform(low, high) }
        return t
    }

    static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            precondition(d >= 0, "negative dimension in shape \(shape)")
            n *= d
        }
        return n
    }

    /// The number of axes.
    public var rank: Int { shape.count }

    /// A copy of the elements in row-major order.
    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// A copy of the gradient, or nil if none has arrived.
    public var gradValues: [Float]? { grad.map { Array(UnsafeBufferPointer(start: $0, count: count)) } }

    /// The only element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, this one has shape \(shape)")
        return data[0]
    }

    /// The elements as a read-only buffer.
    public var buffer: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: data, count: count) }

    /// The elements as a writable buffer (writing breaks gradients of ops that saved this tensor).
    public var mutableBuffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: data, count: count) }

    /// Makes this leaf tensor a trainable one (or not).
    public func setRequiresGrad(_ flag: Bool) {
        precondition(backwardFunction == nil, "only a leaf tensor can change requiresGrad")
        requiresGrad = flag
    }

    /// The gradient buffer, allocated (zeroed) on first use; for a view, its slice of the base
    /// tensor's gradient (see `gradientBase`).
    @discardableResult
    public func gradientBuffer() -> UnsafeMutablePointer<Float> {
        if let grad { return grad }
        if let (base, offset) = gradientBase {
            let g = base.gradientBuffer() + offset
            gradStorage = base.gradStorage
            grad = g
            return g
        }
        let b = Buffer(count: count)
        gradStorage = b
        grad = b.pointer
        return b.pointer
    }

    /// Sets the gradient to zero (if it exists).
    public func zeroGrad() {
        grad?.update(repeating: 0, count: count)
    }

    /// A tensor sharing this one's elements, cut off from the graph (no gradient flows back).
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage, offset: data - storage.pointer, requiresGrad: false)
    }

    /// A new tensor with a copy of the elements, cut off from the graph.
    public func copy() -> Tensor {
        let t = Tensor(zeros: shape)
        t.data.update(from: data, count: count)
        return t
    }

    /// Copies `other`'s elements into this tensor in place (same shape required).
    public func assign(_ other: Tensor) {
        precondition(other.shape == shape, "cannot assign shape \(other.shape) to shape \(shape)")
        data.update(from: other.data, count: count)
    }

    /// Makes this tensor view `count` elements of `storage` from `offset` (used to pack parameters).
    func rebind(storage: Buffer, offset: Int, gradStorage: Buffer?, gradOffset: Int) {
        precondition(offset + count <= storage.count)
        (storage.pointer + offset).update(from: data, count: count)
        self.storage = storage
        self.data = storage.pointer + offset
        if let gradStorage {
            if let grad { (gradStorage.pointer + gradOffset).update(from: grad, count: count) }
            else { (gradStorage.pointer + gradOffset).update(repeating: 0, count: count) }
            self.gradStorage = gradStorage
            self.grad = gradStorage.pointer + gradOffset
        }
    }

    /// Allocates an output of `shape` for an op (zeros).
    static func output(_ shape: [Int]) -> Tensor {
        Tensor(zeros: shape)
    }

    /// Allocates an output of `shape` without setting it, for an op whose kernel writes every element.
    static func uninitializedOutput(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape, storage: Buffer(uninitializedCount: Tensor.elementCount(shape)))
    }

    /// Records this tensor as the result of an op over `inputs` when gradients are on and any input
    /// requires one. `backward` receives this tensor (whose `grad` is set) and adds into the inputs'.
    func record(_ inputs: [Tensor], backward: @escaping (Tensor) -> Void) {
        guard GradientMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return }
        requiresGrad = true
        self.inputs = inputs
        backwardFunction = backward
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = values.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), values: [\(shown)\(count > 8 ? ", ..." : "")])"
    }
}
