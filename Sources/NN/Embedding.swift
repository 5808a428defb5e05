/// A lookup table, `y[i] = weight[indices[i]]`, as `torch.nn.Embedding` (initialised N(0, 1)).
/// Shapes: `weight [count, dimension]`; indices of any shape `S` give output `S + [dimension]`.
public final class Embedding: Layer {
    public let weight: Tensor
    public let count: Int, dimension: Int

    public init(count: Int, dimension: Int, generator: inout SeededGenerator) {
        precondition(count > 0 && dimension > 0, "Embedding needs positive sizes, got \(count) x \(dimension)")
        self.count = count; self.dimension = dimension
        weight = Tensor.normal([count, dimension], generator: &generator, requiresGrad: true)
    }

    public var parameters: [(name: String, tensor: Tensor)] { [(name: "weight", tensor: weight)] }

    /// Looks up `indices` (flat, row-major) laid out as `shape`.
    public func callAsFunction(_ indices: [Int32], shape: [Int]? = nil) -> Tensor {
        let outShape = (shape ?? [indices.count]) + [dimension]
        precondition((shape ?? [indices.count]).reduce(1, *) == indices.count, "Embedding: \(indices.count) indices do not fill shape \(shape ?? [])")
        for i in indices {
            precondition(i >= 0 && Int(i) < count, "Embedding: index \(i) is outside the table of \(count) rows")
        }
        return weight.indexSelect(indices).reshaped(outShape)
    }
}
