/// One object of a scene: what it is and the pixels it covers.
public struct SceneObject: Sendable, Hashable, Codable {
    /// Its shape.
    public var shape: ShapeKind
    /// Its fill colour.
    public var color: ObjectColor
    /// Its size class.
    public var size: ObjectSize
    /// The tight box of every pixel the object touches (anti-aliased edge pixels included).
    public var box: Box

    /// An object of the given kind covering `box`.
    public init(shape: ShapeKind, color: ObjectColor, size: ObjectSize, box: Box) {
        self.shape = shape; self.color = color; self.size = size; self.box = box
    }

    /// Its colour and shape as a pair ("red circle").
    public var pair: ColorShapePair { ColorShapePair(color: color, shape: shape) }

    /// "small red circle".
    public var description: String { "\(size.word) \(color.word) \(shape.word)" }
}
