/// How `AttentionMap.scaled(_:)` maps attention weights to `[0, 1]` before colouring.
public enum AttentionScaling: Sendable, Equatable {
    /// `(a - min) / (max - min)`: the weakest location gets the bottom colour, the strongest the top
    /// (what matplotlib's `imshow` does). A constant map becomes all 0.
    case minMax
    /// `a / max`: zero stays zero, the strongest location gets the top colour.
    case maximum
    /// Unchanged: the values are already in `[0, 1]` (clamped when coloured).
    case none
}

/// A grid of attention weights (one `alpha_i` per encoder location), `height x width` floats, row-major:
/// `values[y * width + x]`. For the captioning model `width = height = S / 8` and `values` is one step's `alpha`.
public struct AttentionMap: Sendable, Equatable {
    /// Columns of the grid.
    public var width: Int
    /// Rows of the grid.
    public var height: Int
    /// `width * height` weights, row-major.
    public var values: [Float]

    /// A `width x height` grid of `values` (row-major, `width * height` of them).
    public init(width: Int, height: Int, values: [Float]) {
        precondition(width > 0 && height > 0 && values.count == width * height,
                     "an attention map of \(width)x\(height) needs \(width * height) values, not \(values.count)")
        self.width = width; self.height = height; self.values = values
    }

    /// The map resampled smoothly to `width x height`: bilinear with half-pixel centres when enlarging
    /// (`src = (i + 0.5) * in / out - 0.5`, clamped; as `interpolate(mode="bilinear", align_corners=False)`),
    /// area averaging when shrinking (`ResizeFilter.antialiased`).
    public func upsampled(width newWidth: Int, height newHeight: Int) -> AttentionMap {
        precondition(newWidth > 0 && newHeight > 0, "cannot resample to \(newWidth)x\(newHeight)")
        let horizontal = ResampleWeights(inputSize: width, outputSize: newWidth, filter: .antialiased)
        let vertical = ResampleWeights(inputSize: height, outputSize: newHeight, filter: .antialiased)
        var rows = [Float](repeating: 0, count: height * newWidth)
        for y in 0..<height {
            for x in 0..<newWidth {
                var sum: Float = 0
                for k in 0..<horizontal.taps {
                    sum += horizontal.weights[x * horizontal.taps + k] * values[y * width + horizontal.starts[x] + k]
                }
                rows[y * newWidth + x] = sum
            }
        }
        var output = [Float](repeating: 0, count: newHeight * newWidth)
        for y in 0..<newHeight {
            for k in 0..<vertical.taps {
                let weight = vertical.weights[y * vertical.taps + k]
                let source = (vertical.starts[y] + k) * newWidth
                for x in 0..<newWidth { output[y * newWidth + x] += weight * rows[source + x] }
            }
        }
        return AttentionMap(width: newWidth, height: newHeight, values: output)
    }

    /// The values mapped to `[0, 1]` by `scaling` (see `AttentionScaling`).
    public func scaled(_ scaling: AttentionScaling) -> AttentionMap {
        let finite = values.filter(\.isFinite)
        let low = finite.min() ?? 0, high = finite.max() ?? 0
        var result = self
        switch scaling {
        case .none:
            break
        case .maximum:
            result.values = values.map { high > 0 ? $0 / high : 0 }
        case .minMax:
            result.values = values.map { high > low ? ($0 - low) / (high - low) : 0 }
        }
        return result
    }
}

extension Image {
    /// This image with `attention` drawn over it: the map is `scaled(scaling)`, `upsampled` to the image size,
    /// coloured with `colorMap`, and blended: `out = round((1 - opacity) * pixel + opacity * colour)` per channel.
    public func overlaying(attention: AttentionMap, colorMap: ColorMap = .viridis, opacity: Float = 0.6,
                           scaling: AttentionScaling = .minMax) -> Image {
        precondition(opacity >= 0 && opacity <= 1, "opacity must be in [0, 1], not \(opacity)")
        let map = attention.scaled(scaling).upsampled(width: width, height: height)
        var output = pixels
        for index in 0..<(width * height) {
            let colour = colorMap.color(at: map.values[index])
            let channels = [colour.red, colour.green, colour.blue]
            for channel in 0..<3 {
                let blended = (1 - opacity) * Float(pixels[3 * index + channel]) + opacity * Float(channels[channel])
                output[3 * index + channel] = UInt8(min(max(blended.rounded(), 0), 255))
            }
        }
        return Image(width: width, height: height, pixels: output)
    }
}
