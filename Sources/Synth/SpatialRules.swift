/// A relation between two objects that captions can state ("a red circle above a blue square").
public enum SpatialRelation: String, Sendable, CaseIterable, Hashable, Codable {
    /// The first object's centre is more than the margin left of the second's.
    case leftOf
    /// The first object's centre is more than the margin right of the second's.
    case rightOf
    /// The first object's centre is more than the margin higher than the second's.
    case above
    /// The first object's centre is more than the margin lower than the second's.
    case below

    /// The caption words, e.g. `["to", "the", "left", "of"]`.
    public var words: [String] {
        switch self {
        case .leftOf: ["to", "the", "left", "of"]
        case .rightOf: ["to", "the", "right", "of"]
        case .above: ["above"]
        case .below: ["below"]
        }
    }
}

/// Where one object lies in the image ("a red circle on the left").
public enum AbsolutePosition: String, Sendable, CaseIterable, Hashable, Codable {
    /// Centre more than the margin left of the image's vertical midline.
    case left
    /// Centre more than the margin right of the midline.
    case right
    /// Centre more than the margin above the horizontal midline.
    case top
    /// Centre more than the margin below the horizontal midline.
    case bottom

    /// The caption words, e.g. `["on", "the", "left"]`, `["at", "the", "top"]`.
    public var words: [String] {
        switch self {
        case .left: ["on", "the", "left"]
        case .right: ["on", "the", "right"]
        case .top: ["at", "the", "top"]
        case .bottom: ["at", "the", "bottom"]
        }
    }
}

/// The one rule deciding spatial words, shared by the caption templates and the checker.
///
/// Objects are compared by the centres of their boxes (`Box.centerX`, `Box.centerY`; y grows downwards).
/// A relation or position holds only when the centres differ by more than `margin(side:)` = side / 8
/// pixels (8 at 64) on its axis, so a stated relation is never a matter of a pixel or two.
public enum SpatialRules {
    /// Required difference between centres, in pixels: `side / 8`.
    public static func margin(side: Int) -> Double {
        Double(side) / 8
    }

    /// Whether `first` stands in `relation` to `second` in an image of `side` pixels.
    public static func holds(_ relation: SpatialRelation, _ first: Box, _ second: Box, side: Int) -> Bool {
        let margin = margin(side: side)
        switch relation {
        case .leftOf: return second.centerX - first.centerX > margin
        case .rightOf: return first.centerX - second.centerX > margin
        case .above: return second.centerY - first.centerY > margin
        case .below: return first.centerY - second.centerY > margin
        }
    }

    /// Whether `box` lies at `position` in an image of `side` pixels.
    public static func holds(_ position: AbsolutePosition, _ box: Box, side: Int) -> Bool {
        let margin = margin(side: side), middle = Double(side) / 2
        switch position {
        case .left: return middle - box.centerX > margin
        case .right: return box.centerX - middle > margin
        case .top: return middle - box.centerY > margin
        case .bottom: return box.centerY - middle > margin
        }
    }

    /// The relation of `first` to `second` along the axis where their centres differ most, if that
    /// difference exceeds the margin: the clearest thing to say about the pair.
    public static func clearestRelation(_ first: Box, _ second: Box, side: Int) -> SpatialRelation? {
        let dx = second.centerX - first.centerX, dy = second.centerY - first.centerY
        let relation: SpatialRelation = abs(dx) >= abs(dy) ? (dx > 0 ? .leftOf : .rightOf) : (dy > 0 ? .above : .below)
        return holds(relation, first, second, side: side) ? relation : nil
    }

    /// The position of `box` along the axis where it is furthest from the image centre, if beyond the margin.
    public static func clearestPosition(_ box: Box, side: Int) -> AbsolutePosition? {
        let middle = Double(side) / 2
        let dx = box.centerX - middle, dy = box.centerY - middle
        let position: AbsolutePosition = abs(dx) >= abs(dy) ? (dx < 0 ? .left : .right) : (dy < 0 ? .top : .bottom)
        return holds(position, box, side: side) ? position : nil
    }
}
