extension Image {
    /// This image resampled to `width x height` (see `ResizeFilter`; default `.antialiased`: area averaging
    /// when shrinking, bilinear when enlarging, chosen per axis). Each channel is filtered separately in
    /// `Float`, rows first, then rounded half up and clamped to 0-255. A constant image stays constant.
    public func resized(width newWidth: Int, height newHeight: Int, filter: ResizeFilter = .antialiased) -> Image {
        precondition(newWidth > 0 && newHeight > 0, "cannot resize to \(newWidth)x\(newHeight)")
        if newWidth == width && newHeight == height { return self }
        let horizontal = ResampleWeights(inputSize: width, outputSize: newWidth, filter: filter)
        let vertical = ResampleWeights(inputSize: height, outputSize: newHeight, filter: filter)
        // Pass 1: rows, height x newWidth x 3 floats.
        var rows = [Float](repeating: 0, count: height * newWidth * 3)
        pixels.withUnsafeBufferPointer { source in
            rows.withUnsafeMutableBufferPointer { target in
                horizontal.weights.withUnsafeBufferPointer { weights in
                    let taps = horizontal.taps
                    for y in 0..<height {
                        let sourceRow = source.baseAddress! + y * width * 3
                        let targetRow = target.baseAddress! + y * newWidth * 3
                        for x in 0..<newWidth {
                            let first = sourceRow + horizontal.starts[x] * 3
                            var red: Float = 0, green: Float = 0, blue: Float = 0
                            for k in 0..<taps {
                                let w = weights[x * taps + k]
                                red += w * Float(first[3 * k]); green += w * Float(first[3 * k + 1]); blue += w * Float(first[3 * k + 2])
                            }
                            targetRow[3 * x] = red; targetRow[3 * x + 1] = green; targetRow[3 * x + 2] = blue
                        }
                    }
                }
            }
        }
        // Pass 2: columns, newHeight x newWidth x 3 bytes.
        let rowLength = newWidth * 3
        var output = [UInt8](repeating: 0, count: newHeight * rowLength)
        var accumulator = [Float](repeating: 0, count: rowLength)
        rows.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                accumulator.withUnsafeMutableBufferPointer { sum in
                    for y in 0..<newHeight {
                        for index in 0..<rowLength { sum[index] = 0 }
                        for k in 0..<vertical.taps {
                            let w = vertical.weights[y * vertical.taps + k]
                            if w == 0 { continue }
                            let sourceRow = source.baseAddress! + (vertical.starts[y] + k) * rowLength
                            for index in 0..<rowLength { sum[index] += w * sourceRow[index] }
                        }
                        let targetRow = target.baseAddress! + y * rowLength
                        for index in 0..<rowLength { targetRow[index] = UInt8(min(max(sum[index] + 0.5, 0), 255)) }
                    }
                }
            }
        }
        return Image(width: newWidth, height: newHeight, pixels: output)
    }
}
