/// How `ImageDecoder.decodeSquare(contentsOf:side:mode:)` makes a square model input.
public enum SquareMode: String, Sendable, Equatable, CaseIterable {
    /// Stretch the whole picture to `side x side` (`Image.squashed(to:)`; the Flickr8k copies were made this way).
    case squash
    /// Resize the shorter side to `side` and centre-crop (`Image.resizedToFill(side:)`).
    case fill
}

extension ImageDecoder {
    /// Reads, decodes and squares the image at `path`: `side x side` by `mode`, resized with
    /// `ResizeFilter.antialiased`. With `fastDownscaling` (default) a JPEG much larger than `side` is first
    /// decoded at 1/2, 1/4 or 1/8 size in the IDCT (never below `side` on either axis), which is several
    /// times faster and itself a low-pass reduction; the area resize then finishes the job.
    public func decodeSquare(contentsOf path: String, side: Int, mode: SquareMode = .squash,
                             fastDownscaling: Bool = true) throws(ImageError) -> Image {
        precondition(side > 0, "side must be positive, not \(side)")
        let hint = fastDownscaling ? side : 0
        let image = try decode(contentsOf: path, minimumWidth: hint, minimumHeight: hint)
        switch mode {
        case .squash: return image.squashed(to: side)
        case .fill: return image.resizedToFill(side: side)
        }
    }
}
