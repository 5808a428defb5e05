extension Image {
    /// The `width x height` rectangle whose top-left pixel is `(x, y)`; it must lie inside the image.
    public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) -> Image {
        precondition(cropWidth > 0 && cropHeight > 0 && x >= 0 && y >= 0 && x + cropWidth <= width && y + cropHeight <= height,
                     "crop \(cropWidth)x\(cropHeight) at (\(x), \(y)) does not fit in \(width)x\(height)")
        if cropWidth == width && cropHeight == height { return self }
        var output = [UInt8]()
        output.reserveCapacity(cropWidth * cropHeight * 3)
        for row in y..<(y + cropHeight) {
            let start = (row * width + x) * 3
            output.append(contentsOf: pixels[start..<(start + cropWidth * 3)])
        }
        return Image(width: cropWidth, height: cropHeight, pixels: output)
    }

    /// The centred `width x height` rectangle (no larger than the image): top-left at
    /// `((W - width) / 2, (H - height) / 2)` rounded down.
    public func centerCropped(width cropWidth: Int, height cropHeight: Int) -> Image {
        cropped(x: (width - cropWidth) / 2, y: (height - cropHeight) / 2, width: cropWidth, height: cropHeight)
    }

    /// A `side x side` image that fills the square: resize so the shorter side is `side` (the longer one
    /// becomes `side * longer / shorter`, rounded down, as torchvision's `Resize(side)`), then `centerCropped`.
    /// Keeps the aspect ratio and drops the overflow (torchvision `Resize(side)` + `CenterCrop(side)`).
    public func resizedToFill(side: Int, filter: ResizeFilter = .antialiased) -> Image {
        precondition(side > 0, "cannot fill a square of side \(side)")
        let (newWidth, newHeight) = width <= height
            ? (side, max(side, side * height / width))
            : (max(side, side * width / height), side)
        return resized(width: newWidth, height: newHeight, filter: filter).centerCropped(width: side, height: side)
    }

    /// A `side x side` image holding the whole picture, stretched to a square (aspect ratio not kept).
    public func squashed(to side: Int, filter: ResizeFilter = .antialiased) -> Image {
        resized(width: side, height: side, filter: filter)
    }
}
