import CImageCodecs

/// What an image file's header says, read without decoding the pixels (`ImageDecoder.probe`).
public struct ImageInfo: Sendable, Equatable {
    /// PNG or JPEG, from the signature.
    public var format: ImageFormat
    /// Width declared in the header.
    public var width: Int
    /// Height declared in the header.
    public var height: Int
    /// Channels stored: PNG 1 (grey or palette) to 4 (RGBA); JPEG components (1 grey, 3 colour, 4 CMYK).
    public var channels: Int
    /// PNG bit depth (1, 2, 4, 8, 16) or JPEG sample precision (8, 12).
    public var bitDepth: Int
    /// Adam7-interlaced PNG, or progressive JPEG.
    public var interlaced: Bool

    /// Header facts as given.
    public init(format: ImageFormat, width: Int, height: Int, channels: Int, bitDepth: Int, interlaced: Bool) {
        self.format = format; self.width = width; self.height = height
        self.channels = channels; self.bitDepth = bitDepth; self.interlaced = interlaced
    }
}

/// Decodes PNG and JPEG into 8-bit RGB `Image`s, guarding memory and reporting every problem as an `ImageError`.
///
/// - PNG: bit depths 1-16; grey, grey+alpha, RGB, RGBA, palette (with tRNS); Adam7. 16-bit samples keep
///   their high byte (`v >> 8`, as Pillow). Alpha (a channel or tRNS) is composited over `background`
///   (white by default): `out = (c * a + bg * (255 - a) + 127) / 255`, integer division, per channel.
/// - JPEG: baseline and progressive; grey, YCbCr, RGB, Adobe CMYK/YCCK (`R = round(C' K' / 255)` on the
///   stored, inverted values, as Pillow). Accurate integer IDCT and fancy upsampling, as Pillow.
/// - The format comes from the first bytes. A header declaring more than `maximumSide` pixels a side or
///   `maximumPixels` in all is refused before any pixel memory is allocated. Truncated data, corrupt data
///   and corrupt-data warnings are errors; neither library writes to stderr.
public struct ImageDecoder: Sendable {
    /// Largest accepted width or height (default 30000).
    public var maximumSide: Int
    /// Largest accepted `width * height` (default 100 megapixels).
    public var maximumPixels: Int
    /// Largest file `decode(contentsOf:)` reads (default 1 GiB).
    public var maximumFileBytes: Int
    /// Colour transparent pixels are composited over (default white).
    public var background: RGBColor

    /// A decoder with the given limits and background.
    public init(maximumSide: Int = 30_000, maximumPixels: Int = 100_000_000, maximumFileBytes: Int = 1 << 30,
                background: RGBColor = .white) {
        precondition(maximumSide > 0 && maximumPixels > 0 && maximumFileBytes > 0, "decoder limits must be positive")
        self.maximumSide = maximumSide; self.maximumPixels = maximumPixels
        self.maximumFileBytes = maximumFileBytes; self.background = background
    }

    /// Decodes the file at `path` (read whole, format from its bytes). Errors name `path`.
    ///
    /// `minimumWidth x minimumHeight` (default 0 x 0: full size) lets a JPEG be decoded smaller, by 1/2, 1/4 or
    /// 1/8 in the IDCT (libjpeg DCT scaling), as long as the result stays at least that large; use it when
    /// the image will be shrunk anyway. PNG always decodes at full size.
    public func decode(contentsOf path: String, minimumWidth: Int = 0, minimumHeight: Int = 0) throws(ImageError) -> Image {
        let bytes = try FileBytes.read(path: path, maximumBytes: maximumFileBytes)
        return try decode(bytes: bytes, name: path, minimumWidth: minimumWidth, minimumHeight: minimumHeight)
    }

    /// Decodes PNG or JPEG `bytes`. `name` (a file name, a URL, ...) is what errors report.
    /// `minimumWidth`, `minimumHeight`: see `decode(contentsOf:minimumWidth:minimumHeight:)`.
    public func decode(bytes: [UInt8], name: String? = nil, minimumWidth: Int = 0, minimumHeight: Int = 0) throws(ImageError) -> Image {
        var options = codecOptions
        options.min_width = UInt32(clamping: max(minimumWidth, 0))
        options.min_height = UInt32(clamping: max(minimumHeight, 0))
        var decoded = gc_decoded_image()
        var info = gc_image_info()
        let (status, message) = withMessageBuffer { buffer, capacity in
            bytes.withUnsafeBufferPointer { data in
                gc_decode(data.baseAddress, data.count, &options, &decoded, &info, buffer, capacity)
            }
        }
        guard status == GC_OK, let pixels = decoded.pixels else {
            throw error(status: status, message: message, info: info, name: name)
        }
        defer { gc_free(pixels) }
        let count = Int(decoded.width) * Int(decoded.height) * 3
        return Image(width: Int(decoded.width), height: Int(decoded.height),
                     pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// Reads only the header of the file at `path`: format, declared size, channels, bit depth.
    /// Applies the size limits (a too-large declaration throws `.tooLarge`).
    public func probe(contentsOf path: String) throws(ImageError) -> ImageInfo {
        try probe(bytes: FileBytes.read(path: path, maximumBytes: maximumFileBytes), name: path)
    }

    /// Reads only the header of `bytes`; see `probe(contentsOf:)`.
    public func probe(bytes: [UInt8], name: String? = nil) throws(ImageError) -> ImageInfo {
        var info = gc_image_info()
        let (status, message) = withMessageBuffer { buffer, capacity in
            bytes.withUnsafeBufferPointer { data in
                gc_probe(data.baseAddress, data.count, &info, buffer, capacity) // header only, no limits
            }
        }
        guard status == GC_OK, let format = ImageFormat(codecFormat: info.format) else {
            throw error(status: status, message: message, info: info, name: name)
        }
        let width = Int(info.declared_width), height = Int(info.declared_height)
        if width > maximumSide || height > maximumSide || width * height > maximumPixels {
            throw ImageError(path: name, reason: .tooLarge(format, width: width, height: height,
                                                           maximumSide: maximumSide, maximumPixels: maximumPixels))
        }
        return ImageInfo(format: format, width: width, height: height, channels: Int(info.channels),
                         bitDepth: Int(info.bit_depth), interlaced: info.interlaced != 0)
    }

    private var codecOptions: gc_decode_options {
        var options = gc_decode_options_default()
        options.max_side = UInt32(clamping: maximumSide)
        options.max_pixels = UInt64(maximumPixels)
        options.background_r = background.red
        options.background_g = background.green
        options.background_b = background.blue
        return options
    }

    private func error(status: gc_status, message: String, info: gc_image_info, name: String?) -> ImageError {
        let format = ImageFormat(codecFormat: info.format) ?? .png
        let reason: ImageError.Reason
        switch status {
        case GC_ERROR_UNKNOWN_FORMAT: reason = .notAnImage(message)
        case GC_ERROR_TRUNCATED: reason = .truncated(format, message)
        case GC_ERROR_TOO_LARGE:
            reason = .tooLarge(format, width: Int(info.declared_width), height: Int(info.declared_height),
                               maximumSide: maximumSide, maximumPixels: maximumPixels)
        case GC_ERROR_UNSUPPORTED: reason = .unsupported(format, message)
        case GC_ERROR_OUT_OF_MEMORY: reason = .unsupported(format, "out of memory: \(message)")
        case GC_ERROR_INVALID_ARGUMENT: reason = .invalidArgument(message)
        default: reason = .corrupt(format, message.isEmpty ? "undecodable data" : message)
        }
        return ImageError(path: name, reason: reason)
    }
}

/// Runs `body` with a zeroed 512-byte C message buffer and returns its status and the message as a `String`.
func withMessageBuffer(_ body: (UnsafeMutablePointer<CChar>, Int) -> gc_status) -> (gc_status, String) {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buffer in
        buffer.initialize(repeating: 0)
        let status = body(buffer.baseAddress!, buffer.count)
        buffer[buffer.count - 1] = 0
        return (status, String(cString: buffer.baseAddress!))
    }
}

extension Image {
    /// Decodes the PNG or JPEG file at `path` with the default `ImageDecoder` (limits 30000 a side and
    /// 100 megapixels, transparency over white). Throws an `ImageError` naming `path`.
    public init(contentsOf path: String) throws(ImageError) {
        self = try ImageDecoder().decode(contentsOf: path)
    }

    /// Decodes PNG or JPEG `bytes` with the default `ImageDecoder`; errors mention `name` when given.
    public init(bytes: [UInt8], name: String? = nil) throws(ImageError) {
        self = try ImageDecoder().decode(bytes: bytes, name: name)
    }
}
