/// Where a shape lies in continuous image coordinates (pixel `(x, y)` covers `[x, x + 1) x [y, y + 1)`,
/// y grows downwards): the exact point sets the renderer samples.
///
/// Every shape fills the square of half-extent `r` around its centre `(cx, cy)`, touching all four sides,
/// so its pixel box is that square and the box centre is the centre, which is inside every shape:
/// - circle: `(x - cx)^2 + (y - cy)^2 <= r^2`
/// - square: `|x - cx| <= r` and `|y - cy| <= r`
/// - triangle: apex `(cx, cy - r)`, base from `(cx - r, cy + r)` to `(cx + r, cy + r)`:
///   `cy - r <= y <= cy + r` and `|x - cx| <= (y - cy + r) / 2`
/// - diamond: `|x - cx| + |y - cy| <= r`
/// - cross: `(|x - cx| <= r / 3 and |y - cy| <= r)` or `(|y - cy| <= r / 3 and |x - cx| <= r)`
public struct ShapeGeometry: Sendable, Equatable {
    /// Which shape.
    public var shape: ShapeKind
    /// Horizontal centre in continuous coordinates.
    public var centerX: Double
    /// Vertical centre in continuous coordinates.
    public var centerY: Double
    /// Half the side of the square the shape fills.
    public var halfExtent: Double

    /// A `shape` filling the square of half-side `halfExtent` centred at `(centerX, centerY)`.
    public init(shape: ShapeKind, centerX: Double, centerY: Double, halfExtent: Double) {
        self.shape = shape; self.centerX = centerX; self.centerY = centerY; self.halfExtent = halfExtent
    }

    /// Whether the point `(x, y)` is inside the shape (boundary included).
    @inline(__always)
    public func contains(x: Double, y: Double) -> Bool {
        let dx = abs(x - centerX), dy = abs(y - centerY), r = halfExtent
        switch shape {
        case .circle:
            return dx * dx + dy * dy <= r * r
        case .square:
            return dx <= r && dy <= r
        case .triangle:
            let depth = y - centerY + r
            return depth >= 0 && depth <= 2 * r && dx <= depth / 2
        case .diamond:
            return dx + dy <= r
        case .cross:
            let bar = r / 3
            return (dx <= bar && dy <= r) || (dy <= bar && dx <= r)
        }
    }

    /// The smallest pixel box certain to hold every pixel the shape can touch: the square of half-side
    /// `halfExtent` rounded outwards to whole pixels.
    public var enclosingBox: Box {
        Box(x0: Int((centerX - halfExtent).rounded(.down)), y0: Int((centerY - halfExtent).rounded(.down)),
            x1: Int((centerX + halfExtent).rounded(.up)), y1: Int((centerY + halfExtent).rounded(.up)))
    }
}
