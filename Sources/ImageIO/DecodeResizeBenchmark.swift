/// Decode + resize throughput, for a benchmark program (`glimpse-bench`) or a quick check.
public enum DecodeResizeBenchmark {
    /// What one run measured.
    public struct Result: Sendable, CustomStringConvertible {
        /// Images decoded and resized successfully.
        public var images: Int
        /// Files that failed to decode (counted, not fatal).
        public var failures: Int
        /// Wall-clock seconds for the whole loop (file reading included).
        public var seconds: Double
        /// `images / seconds`.
        public var imagesPerSecond: Double { seconds > 0 ? Double(images) / seconds : 0 }

        /// `"<n> images in <s> s: <r> images/s (<f> failures)"`.
        public var description: String {
            "\(images) images in \(String(format3: seconds)) s: \(Int(imagesPerSecond.rounded())) images/s (\(failures) failures)"
        }
    }

    /// Reads, decodes and squares every file of `paths` to `side x side` (`ImageDecoder.decodeSquare`),
    /// `repetitions` times over, on the calling thread, and times it with a monotonic clock.
    /// A checksum of the output is kept so the work cannot be optimised away.
    public static func run(paths: [String], side: Int, mode: SquareMode = .squash, fastDownscaling: Bool = true,
                           repetitions: Int = 1, decoder: ImageDecoder = ImageDecoder()) -> Result {
        precondition(repetitions > 0, "repetitions must be positive")
        var images = 0, failures = 0, checksum = 0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<repetitions {
            for path in paths {
                do {
                    let image = try decoder.decodeSquare(contentsOf: path, side: side, mode: mode, fastDownscaling: fastDownscaling)
                    checksum &+= Int(image.pixels[image.pixels.count / 2])
                    images += 1
                } catch {
                    failures += 1
                }
            }
        }
        let elapsed = clock.now - start
        blackHole(checksum)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return Result(images: images, failures: failures, seconds: seconds)
    }

    @inline(never)
    private static func blackHole(_ value: Int) { _ = value }
}

private extension String {
    /// `value` with three decimals, without Foundation.
    init(format3 value: Double) {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        self = "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
