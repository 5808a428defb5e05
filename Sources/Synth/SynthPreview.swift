import ImageIO

/// Contact sheets of generated scenes, for looking at the data.
public enum SynthPreview {
    /// The images of `samples` enlarged `scale` times (nearest neighbour, so pixels stay sharp) in a grid of
    /// `columns` columns, each labelled with its first caption (cut to fit).
    public static func sheet(samples: [SynthSample], columns: Int = 4, scale: Int = 4) -> Image {
        let panels = samples.map { sample in
            LabeledPanel(image: enlarged(sample.image, scale: scale), label: sample.captions.first?.text ?? sample.fileName)
        }
        return ImageGrid.compose(panels: panels, columns: columns, spacing: 6)
    }

    /// `image` with every pixel repeated `scale x scale` times.
    public static func enlarged(_ image: Image, scale: Int) -> Image {
        precondition(scale > 0, "scale must be positive")
        var pixels = [UInt8](repeating: 0, count: image.width * scale * image.height * scale * 3)
        let width = image.width * scale
        for y in 0..<(image.height * scale) {
            for x in 0..<width {
                let source = ((y / scale) * image.width + x / scale) * 3
                let target = (y * width + x) * 3
                pixels[target] = image.pixels[source]
                pixels[target + 1] = image.pixels[source + 1]
                pixels[target + 2] = image.pixels[source + 2]
            }
        }
        return Image(width: width, height: image.height * scale, pixels: pixels)
    }
}
