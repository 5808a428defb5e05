import Dispatch
import Foundation
import ImageIO
import Kernels

/// Every image of a dataset decoded, squared and resized once, kept in memory as 8-bit RGB
/// (`side x side x 3` bytes each), so epochs after the first decode nothing. Decoding runs on all
/// cores; an image that cannot be decoded is reported (file and reason) and left out.
public struct ImageCache: Sendable {
    public let side: Int
    /// Pixels of image i at `[i * side * side * 3, (i + 1) * side * side * 3)`.
    let pixels: [UInt8]
    /// For each requested path, its slot in `pixels`, or nil when it failed to decode.
    public let slots: [Int?]
    /// `path: reason` for every image that failed.
    public let failures: [String]

    /// Decodes `paths` to `side x side` by `mode`.
    public init(paths: [String], side: Int, mode: SquareMode) {
        let size = side * side * 3
        let count = paths.count
        var pixels = [UInt8](repeating: 0, count: count * size)
        let outcomes = UnsafeMutablePointer<String?>.allocate(capacity: max(count, 1))
        outcomes.initialize(repeating: nil, count: max(count, 1))
        defer { outcomes.deinitialize(count: max(count, 1)); outcomes.deallocate() }
        let results = SharedPointer(outcomes)
        let workers = max(1, min(kernelWorkers, count))
        pixels.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let shared = SharedPointer(base)
            parallelFor(workers: workers) { w in
                let decoder = ImageDecoder()
                for i in workerRange(w, of: workers, total: count) {
                    do {
                        let image = try decoder.decodeSquare(contentsOf: paths[i], side: side, mode: mode)
                        image.pixels.withUnsafeBufferPointer { (shared.pointer + i * size).update(from: $0.baseAddress!, count: size) }
                    } catch {
                        results.pointer[i] = "\(error)"
                    }
                }
            }
        }
        // Images that failed leave no slot: later ones move down in place.
        var slots: [Int?] = [], failures: [String] = [], kept = 0
        for i in 0..<count {
            if let reason = outcomes[i] {
                slots.append(nil); failures.append(reason)
            } else {
                if kept != i { pixels.replaceSubrange((kept * size)..<((kept + 1) * size), with: pixels[(i * size)..<((i + 1) * size)]) }
                slots.append(kept)
                kept += 1
            }
        }
        pixels.removeSubrange((kept * size)...)
        self.side = side
        self.pixels = pixels
        self.slots = slots
        self.failures = failures
    }

    /// The decoded image in `slot`.
    public func image(slot: Int) -> Image {
        let size = side * side * 3
        return Image(width: side, height: side, pixels: Array(pixels[(slot * size)..<((slot + 1) * size)]))
    }

    /// Writes images `slots` normalised (CHW, `(p / 255 - mean) / std`) into `destination`
    /// (`slots.count * 3 * side * side` floats), the model's input batch `[B, 3, S, S]`.
    public func writeBatch(slots: [Int], mean: [Float], standardDeviation: [Float], into destination: UnsafeMutablePointer<Float>) {
        let plane = side * side, size = plane * 3
        var table = [Float](repeating: 0, count: 768)
        for c in 0..<3 { for v in 0..<256 { table[c * 256 + v] = (Float(v) / 255 - mean[c]) / standardDeviation[c] } }
        pixels.withUnsafeBufferPointer { source in
            for (row, slot) in slots.enumerated() {
                let src = source.baseAddress! + slot * size
                let dst = destination + row * size
                for p in 0..<plane {
                    dst[p] = table[Int(src[p * 3])]
                    dst[plane + p] = table[256 + Int(src[p * 3 + 1])]
                    dst[2 * plane + p] = table[512 + Int(src[p * 3 + 2])]
                }
            }
        }
    }
}
