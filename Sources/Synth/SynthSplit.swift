/// The split an image of the synthetic dataset belongs to (its `split` string in the files).
public enum SynthSplit: String, Sendable, CaseIterable, Codable, Hashable {
    /// Training images: never contain a held-out colour-shape pair.
    case train
    /// Validation images, same distribution as training.
    case val
    /// Test images, same distribution as training.
    case test
    /// Images each containing at least one held-out colour-shape pair (only with a hold-out list).
    case testCompositional = "test_compositional"
}

/// How many images go to each split. Fractions need not sum to 1: they are normalised.
///
/// Without held-out pairs all `count` images are divided between train, val and test in proportion to
/// `train`, `validation` and `test`. With held-out pairs, `compositional * count` images (rounded) form
/// `test_compositional` first, and the rest are divided as before. Counts are rounded by largest
/// remainder, so they always add up to `count`.
public struct SplitFractions: Sendable, Equatable {
    /// Share of training images (default 0.8).
    public var train: Double
    /// Share of validation images (default 0.1).
    public var validation: Double
    /// Share of test images (default 0.1).
    public var test: Double
    /// Fraction of all images for `test_compositional` when pairs are held out (default 0.1).
    public var compositional: Double

    /// Split shares; the defaults are 80/10/10 and 10% compositional test.
    public init(train: Double = 0.8, validation: Double = 0.1, test: Double = 0.1, compositional: Double = 0.1) {
        self.train = train; self.validation = validation; self.test = test; self.compositional = compositional
    }

    /// Throws `SynthError.invalidArgument` unless all shares are finite and non-negative, at least one of
    /// train, validation and test is positive, and `compositional < 1`.
    public func validate() throws(SynthError) {
        let shares = [train, validation, test, compositional]
        guard shares.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw SynthError.invalidArgument("split fractions must be non-negative numbers, not \(shares)")
        }
        guard train + validation + test > 0 else {
            throw SynthError.invalidArgument("at least one of the train, val and test fractions must be positive")
        }
        guard compositional < 1 else {
            throw SynthError.invalidArgument("the compositional test fraction must be below 1, not \(compositional)")
        }
    }

    /// The split of each of `count` images, in blocks: train, then val, then test, then test_compositional
    /// (only if `holdingOut`). Call `validate()` first.
    public func assign(count: Int, holdingOut: Bool) -> [SynthSplit] {
        let compositionalCount = holdingOut ? min(count, Int((Double(count) * compositional).rounded())) : 0
        let counts = Self.apportion(count - compositionalCount, shares: [train, validation, test])
        return Array(repeating: .train, count: counts[0]) + Array(repeating: .val, count: counts[1])
            + Array(repeating: .test, count: counts[2]) + Array(repeating: .testCompositional, count: compositionalCount)
    }

    /// `total` divided in proportion to `shares` by largest remainder (ties to the earlier share).
    static func apportion(_ total: Int, shares: [Double]) -> [Int] {
        let sum = shares.reduce(0, +)
        let exact = shares.map { Double(total) * $0 / sum }
        var counts = exact.map { Int($0.rounded(.down)) }
        let order = shares.indices.sorted { (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1) }
        for index in order.prefix(total - counts.reduce(0, +)) { counts[index] += 1 }
        return counts
    }
}
