/// PyTorch's default initialisations, drawn from a seeded generator.
public enum Initialization {
    /// `kaiming_uniform_(a = sqrt(5))` as `nn.Linear` and `nn.Conv2d` use it:
    /// U(-b, b) with `b = 1 / sqrt(fanIn)`.
    public static func kaimingUniform(_ shape: [Int], fanIn: Int, generator: inout SeededGenerator) -> Tensor {
        let bound = 1 / Float(max(fanIn, 1)).squareRoot()
        return Tensor.uniform(shape, low: -bound, high: bound, generator: &generator, requiresGrad: true)
    }

    /// A bias as `nn.Linear`/`nn.Conv2d` initialise it: U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
    public static func bias(_ count: Int, fanIn: Int, generator: inout SeededGenerator) -> Tensor {
        kaimingUniform([count], fanIn: fanIn, generator: &generator)
    }

    /// U(-range, range) for every element (`--init-range` of the language models).
    public static func uniform(_ tensor: Tensor, range: Float, generator: inout SeededGenerator) {
        for i in 0..<tensor.count { tensor.data[i] = generator.uniform(-range, range) }
    }
}
