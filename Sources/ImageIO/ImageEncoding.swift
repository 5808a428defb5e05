import FileOutput
import CImageCodecs

extension Image {
    /// This image as an 8-bit RGB PNG (non-interlaced), zlib `compressionLevel` 0-9 (default 6).
    /// Decoding the result gives back exactly `pixels`.
    public func pngData(compressionLevel: Int = 6) throws(ImageError) -> [UInt8] {
        guard (0...9).contains(compressionLevel) else {
            throw ImageError(path: nil, reason: .invalidArgument("PNG compression level must be 0-9, not \(compressionLevel)"))
        }
        return try encode(format: .png) { rgb, output, size, buffer, capacity in
            gc_encode_png(rgb, UInt32(width), UInt32(height), Int32(compressionLevel), output, size, buffer, capacity)
        }
    }

    /// This image as a baseline JFIF JPEG at `quality` 1-100 (default 90): accurate integer DCT,
    /// 4:2:0 chroma subsampling, optimised Huffman tables. Lossy: decoding gives pixels near, not equal to, `pixels`.
    public func jpegData(quality: Int = 90) throws(ImageError) -> [UInt8] {
        guard (1...100).contains(quality) else {
            throw ImageError(path: nil, reason: .invalidArgument("JPEG quality must be 1-100, not \(quality)"))
        }
        return try encode(format: .jpeg) { rgb, output, size, buffer, capacity in
            gc_encode_jpeg(rgb, UInt32(width), UInt32(height), Int32(quality), output, size, buffer, capacity)
        }
    }

    /// Encodes and writes this image to `path` atomically (temporary file, fsync, rename: see `AtomicFile`).
    /// `format` defaults to the one the extension names (`.png`, `.jpg`, `.jpeg`); `jpegQuality` 1-100.
    public func write(to path: String, format: ImageFormat? = nil, jpegQuality: Int = 90) throws(ImageError) {
        guard let chosen = format ?? ImageFormat.forWriting(path: path) else {
            throw ImageError(path: path, reason: .invalidArgument("cannot tell the image format from the name; use .png, .jpg or .jpeg"))
        }
        var bytes: [UInt8]
        do {
            bytes = chosen == .png ? try pngData() : try jpegData(quality: jpegQuality)
        } catch {
            throw ImageError(path: path, reason: error.reason)
        }
        do {
            try AtomicFile.write(bytes: bytes, to: path)
        } catch {
            throw ImageError(path: path, reason: .writeFailed(error.reason))
        }
    }

    private func encode(
        format: ImageFormat,
        _ body: (UnsafePointer<UInt8>, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>,
                 UnsafeMutablePointer<CChar>, Int) -> gc_status
    ) throws(ImageError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        let (status, message) = withMessageBuffer { buffer, capacity in
            pixels.withUnsafeBufferPointer { rgb in body(rgb.baseAddress!, &output, &size, buffer, capacity) }
        }
        guard status == GC_OK, let output else {
            throw ImageError(path: nil, reason: .encodingFailed(format, message))
        }
        defer { gc_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}
