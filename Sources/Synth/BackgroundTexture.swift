import ImageIO

/// The backdrop of a scene: a dim, greyish gradient with low-contrast texture and colour noise.
///
/// Two base colours (grey 55-115 with each channel tinted by up to 18) are blended along a random
/// direction; on top comes one of three textures chosen at random: none, stripes (a triangle wave
/// of period 5-14 pixels and amplitude 4-9 along a random direction), or blotches (bilinear value
/// noise on a 6-16 pixel lattice, amplitude up to 14); then independent noise of up to 6 per channel.
/// Every channel is clamped to `0...maximumChannel`, far below the brightest channel (at least 200)
/// of every object colour, and the texture is grey (the same on all channels), so it never looks
/// like a saturated shape. Only `+ - * /` and `sqrt` are used: the same seed gives the same bytes on
/// every IEEE-754 machine.
public enum BackgroundTexture {
    /// The largest value any background channel takes.
    public static let maximumChannel = 160

    /// A `side x side` background drawn with `random`.
    public static func render(side: Int, random: inout SeededRandom) -> Image {
        let grey0 = random.uniform(in: 55...115), grey1 = random.uniform(in: 55...115)
        var base0 = [Double](repeating: 0, count: 3), base1 = base0
        for channel in 0..<3 {
            base0[channel] = grey0 + random.uniform(in: -18...18)
            base1[channel] = grey1 + random.uniform(in: -18...18)
        }
        let (gradientX, gradientY) = randomDirection(&random)
        let texture = random.integer(below: 3)
        let (stripeX, stripeY) = randomDirection(&random)
        let period = random.uniform(in: 5...14), stripeAmplitude = random.uniform(in: 4...9)
        let lattice = random.uniform(in: 6...16)
        let latticeSide = Int(Double(side) / lattice) + 2
        var lattices = [Double](repeating: 0, count: latticeSide * latticeSide)
        for index in lattices.indices { lattices[index] = random.uniform(in: -14...14) }

        let extent = Double(side)
        let offset = (abs(gradientX) + abs(gradientY)) * extent / 2
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            for x in 0..<side {
                let px = Double(x) + 0.5, py = Double(y) + 0.5
                // Gradient position in [0, 1]: projection onto the direction, shifted and scaled.
                let along = ((px - extent / 2) * gradientX + (py - extent / 2) * gradientY + offset) / (2 * offset)
                var shade = 0.0
                switch texture {
                case 1:
                    let phase = (px * stripeX + py * stripeY) / period
                    let fraction = phase - phase.rounded(.down)
                    shade = stripeAmplitude * (abs(4 * fraction - 2) - 1)
                case 2:
                    shade = valueNoise(lattices, latticeSide: latticeSide, x: px / lattice, y: py / lattice)
                default:
                    break
                }
                let offsetInPixels = (y * side + x) * 3
                for channel in 0..<3 {
                    let value = base0[channel] + (base1[channel] - base0[channel]) * along + shade + random.uniform(in: -6...6)
                    pixels[offsetInPixels + channel] = UInt8(min(Double(maximumChannel), max(0, value)).rounded())
                }
            }
        }
        return Image(width: side, height: side, pixels: pixels)
    }

    /// A uniformly random unit vector (rejection sampling in the unit disc, then `sqrt`).
    private static func randomDirection(_ random: inout SeededRandom) -> (Double, Double) {
        while true {
            let x = random.uniform(in: -1...1), y = random.uniform(in: -1...1)
            let length = (x * x + y * y).squareRoot()
            if length > 0.1 && length <= 1 { return (x / length, y / length) }
        }
    }

    /// Bilinear interpolation of the lattice values at `(x, y)` lattice units.
    private static func valueNoise(_ values: [Double], latticeSide: Int, x: Double, y: Double) -> Double {
        let column = min(Int(x), latticeSide - 2), row = min(Int(y), latticeSide - 2)
        let fx = x - Double(column), fy = y - Double(row)
        let top = values[row * latticeSide + column] * (1 - fx) + values[row * latticeSide + column + 1] * fx
        let bottom = values[(row + 1) * latticeSide + column] * (1 - fx) + values[(row + 1) * latticeSide + column + 1] * fx
        return top * (1 - fy) + bottom * fy
    }
}
