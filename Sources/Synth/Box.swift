/// An axis-aligned pixel rectangle, half-open: it holds the pixels `(x, y)` with `x0 <= x < x1` and
/// `y0 <= y < y1` (the convention of PIL's crop boxes), so its width is `x1 - x0`.
public struct Box: Sendable, Hashable, Codable {
    /// First column inside.
    public var x0: Int
    /// First row inside.
    public var y0: Int
    /// First column past the right edge.
    public var x1: Int
    /// First row past the bottom edge.
    public var y1: Int

    /// The box holding columns `x0..<x1` and rows `y0..<y1`.
    public init(x0: Int, y0: Int, x1: Int, y1: Int) {
        self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1
    }

    /// `x1 - x0`.
    public var width: Int { x1 - x0 }
    /// `y1 - y0`.
    public var height: Int { y1 - y0 }
    /// The horizontal centre in pixel coordinates, `(x0 + x1) / 2`.
    public var centerX: Double { Double(x0 + x1) / 2 }
    /// The vertical centre in pixel coordinates, `(y0 + y1) / 2`.
    public var centerY: Double { Double(y0 + y1) / 2 }

    /// Whether pixel `(x, y)` lies inside.
    public func contains(x: Int, y: Int) -> Bool {
        x >= x0 && x < x1 && y >= y0 && y < y1
    }

    /// Whether this box and `other`, each grown by `margin` pixels on every side, share no pixel.
    /// With `margin = 0` this is plain disjointness.
    public func isSeparated(from other: Box, margin: Int) -> Bool {
        x1 + margin <= other.x0 || other.x1 + margin <= x0 || y1 + margin <= other.y0 || other.y1 + margin <= y0
    }
}
