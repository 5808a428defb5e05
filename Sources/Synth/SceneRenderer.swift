import ImageIO

/// Draws placed shapes onto a background, anti-aliased, and measures the box each one covers.
///
/// Each pixel is sampled at `samplesPerAxis x samplesPerAxis` evenly spaced points; a pixel hit by `k`
/// of the `n` points becomes `(background * (n - k) + color * k) / n`, rounded. An object's box is the
/// tight box of all pixels with `k > 0`. Objects must not overlap (the sampler keeps them apart).
public enum SceneRenderer {
    /// Sample points per pixel side (16 per pixel).
    public static let samplesPerAxis = 4

    /// The scene image and its objects (with measured boxes, in the order of `placements`).
    public static func render(placements: [ShapePlacement], on background: Image) -> (image: Image, objects: [SceneObject]) {
        var image = background
        var objects: [SceneObject] = []
        objects.reserveCapacity(placements.count)
        for placement in placements {
            let box = draw(placement, into: &image)
            objects.append(SceneObject(shape: placement.geometry.shape, color: placement.color, size: placement.size, box: box))
        }
        return (image, objects)
    }

    /// Draws one shape into `image` and returns the tight box of the pixels it touched.
    private static func draw(_ placement: ShapePlacement, into image: inout Image) -> Box {
        let geometry = placement.geometry
        let limit = geometry.enclosingBox
        let samples = samplesPerAxis * samplesPerAxis
        let color = placement.color.rgb
        let fill = [Int(color.red), Int(color.green), Int(color.blue)]
        var box = Box(x0: Int.max, y0: Int.max, x1: Int.min, y1: Int.min)
        let side = image.width
        for y in max(0, limit.y0 - 1)..<min(image.height, limit.y1 + 1) {
            for x in max(0, limit.x0 - 1)..<min(side, limit.x1 + 1) {
                var hits = 0
                for sy in 0..<samplesPerAxis {
                    let py = Double(y) + (Double(sy) + 0.5) / Double(samplesPerAxis)
                    for sx in 0..<samplesPerAxis {
                        let px = Double(x) + (Double(sx) + 0.5) / Double(samplesPerAxis)
                        if geometry.contains(x: px, y: py) { hits += 1 }
                    }
                }
                guard hits > 0 else { continue }
                let offset = (y * side + x) * 3
                for channel in 0..<3 {
                    let old = Int(image.pixels[offset + channel])
                    image.pixels[offset + channel] = UInt8((old * (samples - hits) + fill[channel] * hits + samples / 2) / samples)
                }
                box.x0 = min(box.x0, x); box.y0 = min(box.y0, y)
                box.x1 = max(box.x1, x + 1); box.y1 = max(box.y1, y + 1)
            }
        }
        precondition(box.x0 < box.x1, "a \(placement.geometry.shape) of half-extent \(geometry.halfExtent) covered no pixel")
        return box
    }
}
