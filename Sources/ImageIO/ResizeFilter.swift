/// How `Image.resized(width:height:filter:)` computes output pixels. Both are separable (rows, then columns)
/// and use half-pixel centres: output pixel `i` of `m` sits at input coordinate `(i + 0.5) * n / m` on an axis of `n`.
public enum ResizeFilter: Sendable, Equatable {
    /// Per axis: **area averaging** when shrinking, **bilinear** when enlarging or keeping the size.
    ///
    /// Shrinking, output pixel `i` covers the input interval `[i * s, (i + 1) * s)`, `s = n / m`, and is the
    /// mean of the input pixels under it weighted by their overlap with it (an exact box filter: antialiased;
    /// shrinking by an integer factor `k` averages `k x k` blocks). Enlarging, it interpolates linearly
    /// between the two nearest input pixels at `(i + 0.5) * s - 0.5`, clamped to the edges (as
    /// `torch.nn.functional.interpolate(mode="bilinear", align_corners=False)`).
    case antialiased
    /// Bilinear interpolation on both axes, also when shrinking (no antialiasing: shrinking by more than 2
    /// skips input pixels and aliases; as `interpolate(mode="bilinear", antialias=False)`).
    case bilinear
}

/// Per-axis resampling weights: output pixel `i` is `sum_k weights[i * taps + k] * input[starts[i] + k]`.
struct ResampleWeights {
    /// Weights per output pixel (padded with zeros).
    let taps: Int
    /// First input index of each output pixel; `starts[i] + taps <= inputSize`.
    let starts: [Int]
    /// `outputSize * taps` weights, each output's summing to 1.
    let weights: [Float]

    init(inputSize n: Int, outputSize m: Int, filter: ResizeFilter) {
        let scale = Double(n) / Double(m)
        var rows: [(start: Int, weights: [Double])] = []
        rows.reserveCapacity(m)
        for i in 0..<m {
            if n == 1 {
                rows.append((0, [1]))
            } else if n > m && filter == .antialiased {
                let low = Double(i) * scale, high = Double(i + 1) * scale
                let first = Int(low.rounded(.down)), last = min(n, Int(high.rounded(.up)))
                var overlap: [Double] = []
                for j in first..<last {
                    overlap.append(max(0, min(Double(j + 1), high) - max(Double(j), low)))
                }
                let total = overlap.reduce(0, +)
                rows.append((first, overlap.map { $0 / total }))
            } else {
                let centre = min(max((Double(i) + 0.5) * scale - 0.5, 0), Double(n - 1))
                var start = Int(centre.rounded(.down))
                var fraction = centre - Double(start)
                if start >= n - 1 { start = n - 2; fraction = 1 }
                rows.append((start, [1 - fraction, fraction]))
            }
        }
        let taps = rows.map(\.weights.count).max() ?? 1
        var starts = [Int](), weights = [Float]()
        starts.reserveCapacity(m); weights.reserveCapacity(m * taps)
        for row in rows {
            // Keep start + taps inside the input by moving the window left and padding with zeros in front.
            let start = min(row.start, n - taps)
            let lead = row.start - start
            starts.append(start)
            weights += repeatElement(0, count: lead)
            weights += row.weights.map { Float($0) }
            weights += repeatElement(0, count: taps - lead - row.weights.count)
        }
        self.taps = taps; self.starts = starts; self.weights = weights
    }
}
