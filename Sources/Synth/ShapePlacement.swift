/// An object chosen for a scene before it is drawn: its kind and its exact continuous geometry.
public struct ShapePlacement: Sendable, Equatable {
    /// Where and how large the shape is (its `shape` is the object's shape).
    public var geometry: ShapeGeometry
    /// Fill colour.
    public var color: ObjectColor
    /// Size class the extent was drawn from.
    public var size: ObjectSize

    /// An object of `color` and `size` drawn as `geometry`.
    public init(geometry: ShapeGeometry, color: ObjectColor, size: ObjectSize) {
        self.geometry = geometry; self.color = color; self.size = size
    }
}
