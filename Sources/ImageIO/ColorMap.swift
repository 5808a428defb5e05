/// A colour map: values in `[0, 1]` to colours, by linear interpolation between anchor colours evenly
/// spaced on `[0, 1]` (anchor `k` of `n` sits at `k / (n - 1)`). Values outside `[0, 1]` are clamped; NaN is 0.
public struct ColorMap: Sendable {
    /// The anchor colours, at least two.
    public let anchors: [RGBColor]
    /// 256 precomputed colours, entry `i` for value `i / 255`.
    private let table: [RGBColor]

    /// A map through `anchors` (at least two), interpolated linearly per channel and rounded.
    public init(anchors: [RGBColor]) {
        precondition(anchors.count >= 2, "a colour map needs at least two anchors")
        self.anchors = anchors
        var table: [RGBColor] = []
        table.reserveCapacity(256)
        for index in 0..<256 {
            let position = Double(index) / 255 * Double(anchors.count - 1)
            let low = min(Int(position), anchors.count - 2)
            let fraction = position - Double(low)
            func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
                UInt8((Double(a) * (1 - fraction) + Double(b) * fraction).rounded())
            }
            let a = anchors[low], b = anchors[low + 1]
            table.append(RGBColor(red: mix(a.red, b.red), green: mix(a.green, b.green), blue: mix(a.blue, b.blue)))
        }
        self.table = table
    }

    /// The colour for `value` (clamped to `[0, 1]`), from the 256-entry table at `round(value * 255)`.
    public func color(at value: Float) -> RGBColor {
        let clamped = value.isNaN ? 0 : min(max(value, 0), 1)
        return table[Int((clamped * 255).rounded())]
    }

    /// matplotlib's viridis (perceptually uniform, dark purple -> blue -> green -> yellow), sampled at 33 points
    /// (within 3 levels of matplotlib's 256-entry table).
    public static let viridis = ColorMap(anchors: [
        (68, 1, 84), (71, 13, 96), (72, 24, 106), (72, 35, 116), (71, 45, 123), (69, 55, 129), (66, 64, 134), (62, 73, 137),
        (59, 82, 139), (55, 91, 141), (51, 99, 141), (47, 107, 142), (44, 114, 142), (41, 122, 142), (38, 130, 142), (35, 137, 142),
        (33, 145, 140), (31, 152, 139), (31, 160, 136), (34, 167, 133), (40, 174, 128), (50, 182, 122), (63, 188, 115), (78, 195, 107),
        (94, 201, 98), (112, 207, 87), (132, 212, 75), (152, 216, 62), (173, 220, 48), (194, 223, 35), (216, 226, 25), (236, 229, 27),
        (253, 231, 37),
    ].map { RGBColor(red: $0.0, green: $0.1, blue: $0.2) })

    /// MATLAB's classic jet: dark blue -> blue -> cyan -> yellow -> red -> dark red.
    public static let jet = ColorMap(anchors: [
        (0, 0, 128), (0, 0, 255), (0, 128, 255), (0, 255, 255), (128, 255, 128), (255, 255, 0), (255, 128, 0), (255, 0, 0), (128, 0, 0),
    ].map { RGBColor(red: $0.0, green: $0.1, blue: $0.2) })

    /// Black to white.
    public static let gray = ColorMap(anchors: [.black, .white])
}
