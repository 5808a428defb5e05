/// One cell of an `ImageGrid`: an image and the text written under it.
public struct LabeledPanel: Sendable {
    /// The picture.
    public var image: Image
    /// The caption under it (printable ASCII; anything else is drawn as `?`).
    public var label: String

    /// A panel showing `image` above `label`.
    public init(image: Image, label: String) {
        self.image = image; self.label = label
    }
}

/// Lays labelled panels out in a grid, row by row, as one `Image`.
///
/// Every cell is `cellWidth x (cellHeight + labelHeight)`, the largest panel's size plus a label strip of
/// `(BitmapFont.glyphHeight + 4) * labelScale` rows; panels are centred in their cells and `spacing` pixels
/// of background separate cells and frame the grid. A label wider than its cell is cut and ends in `..`.
/// Size: `columns * cellWidth + (columns + 1) * spacing` by `rows * (cellHeight + labelHeight) + (rows + 1) * spacing`,
/// `rows = ceil(panels / columns)`.
public enum ImageGrid {
    /// The grid image of `panels` (at least one) in `columns` columns (fewer if there are fewer panels).
    public static func compose(panels: [LabeledPanel], columns: Int, spacing: Int = 4, labelScale: Int = 1,
                               background: RGBColor = .white, textColor: RGBColor = .black) -> Image {
        precondition(!panels.isEmpty, "a grid needs at least one panel")
        precondition(columns > 0 && spacing >= 0 && labelScale > 0, "grid needs columns > 0, spacing >= 0, labelScale > 0")
        let columnCount = min(columns, panels.count)
        let rowCount = (panels.count + columnCount - 1) / columnCount
        let cellWidth = panels.map(\.image.width).max()!
        let cellHeight = panels.map(\.image.height).max()!
        let labelHeight = (BitmapFont.glyphHeight + 4) * labelScale
        let width = columnCount * cellWidth + (columnCount + 1) * spacing
        let height = rowCount * (cellHeight + labelHeight) + (rowCount + 1) * spacing
        var canvas = Image(width: width, height: height, filledWith: background)
        for (index, panel) in panels.enumerated() {
            let left = spacing + (index % columnCount) * (cellWidth + spacing)
            let top = spacing + (index / columnCount) * (cellHeight + labelHeight + spacing)
            canvas.paste(panel.image, x: left + (cellWidth - panel.image.width) / 2, y: top + (cellHeight - panel.image.height) / 2)
            let label = fitted(panel.label, width: cellWidth, scale: labelScale)
            canvas.drawText(label, x: left + (cellWidth - BitmapFont.width(of: label, scale: labelScale)) / 2,
                            y: top + cellHeight + 2 * labelScale, color: textColor, scale: labelScale)
        }
        return canvas
    }

    /// `text`, or as much of it as fits in `width` pixels followed by `..`.
    static func fitted(_ text: String, width: Int, scale: Int) -> String {
        if BitmapFont.width(of: text, scale: scale) <= width { return text }
        var kept = text
        while !kept.isEmpty && BitmapFont.width(of: kept + "..", scale: scale) > width { kept.removeLast() }
        return kept.isEmpty ? "" : kept + ".."
    }
}

extension Image {
    /// Copies `image` into this one with its top-left corner at `(x, y)`; parts outside are clipped.
    public mutating func paste(_ image: Image, x: Int, y: Int) {
        let firstColumn = max(0, -x), lastColumn = min(image.width, width - x)
        guard firstColumn < lastColumn else { return }
        for row in max(0, -y)..<max(max(0, -y), min(image.height, height - y)) {
            let source = (row * image.width + firstColumn) * 3
            let target = ((y + row) * width + x + firstColumn) * 3
            let count = (lastColumn - firstColumn) * 3
            pixels.replaceSubrange(target..<(target + count), with: image.pixels[source..<(source + count)])
        }
    }
}
