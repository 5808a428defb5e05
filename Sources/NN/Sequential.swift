/// Layers applied one after another.
public final class Sequential: UnaryLayer {
    public let layers: [any UnaryLayer]
    public init(_ layers: [any UnaryLayer]) { self.layers = layers }
    public var sublayers: [(name: String, layer: any Layer)] { layers.enumerated().map { (name: String($0.offset), layer: $0.element) } }
    public func callAsFunction(_ input: Tensor) -> Tensor { layers.reduce(input) { $1($0) } }
}
