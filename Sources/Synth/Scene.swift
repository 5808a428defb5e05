/// A synthetic scene: a square image of `side` pixels holding 1 to 3 non-overlapping objects.
/// This is what captions are checked against (`SceneChecker`) and what `boxes.jsonl` stores.
public struct Scene: Sendable, Hashable, Codable {
    /// Width and height of the image in pixels.
    public var side: Int
    /// The objects, in drawing order (they never overlap, so the order does not change the picture).
    public var objects: [SceneObject]

    /// A scene of `objects` on a `side x side` image.
    public init(side: Int, objects: [SceneObject]) {
        self.side = side; self.objects = objects
    }
}
