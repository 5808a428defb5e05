import Foundation
import ImageIO
import NN

/// One split's images (decoded, in an `ImageCache`) with their captions encoded for training and
/// kept as text for evaluation.
public struct CaptionSet: Sendable {
    /// Per image: the dataset record.
    public let images: [CaptionedImage]
    /// Per image: its slot in the cache.
    public let slots: [Int]
    /// Per image: encoded captions (`<start>`, words, `<end>`).
    public let captions: [[[Int32]]]
    /// Per image: reference captions (raw text) for the metrics.
    public let references: [[String]]
    /// Captions left out for being longer than the vocabulary's maximum length.
    public let skippedCaptions: Int

    /// The images of `split` that decoded, with every caption that fits `vocabulary`.
    /// `cacheSlots[i]` is the cache slot of `dataset.images[i]` (nil if it failed to decode).
    public init(dataset: CaptionDataset, split: Set<CaptionSplit>, vocabulary: Vocabulary, cacheSlots: [Int?],
                tokenizer: CaptionTokenizer = CaptionTokenizer()) {
        var images: [CaptionedImage] = [], slots: [Int] = [], captions: [[[Int32]]] = [], references: [[String]] = []
        var skipped = 0
        for (i, image) in dataset.images.enumerated() where split.contains(image.split) {
            guard let slot = cacheSlots[i] else { continue }
            let tokenized = image.tokens ?? image.captions.map { tokenizer.tokenize($0) }
            var encoded: [[Int32]] = []
            for tokens in tokenized {
                if let ids = vocabulary.encode(tokens) { encoded.append(ids.map { Int32($0) }) } else { skipped += 1 }
            }
            guard !encoded.isEmpty else { continue }
            images.append(image); slots.append(slot); captions.append(encoded)
            references.append(image.captions)
        }
        self.images = images; self.slots = slots; self.captions = captions; self.references = references
        skippedCaptions = skipped
    }

    public var count: Int { images.count }
    public var captionCount: Int { captions.reduce(0) { $0 + $1.count } }

    /// Image indices in batches of `size`, shuffled by `seed` and `epoch` (the same order whenever
    /// the same epoch is run again, so a resumed run sees the same batches).
    public func batchOrder(size: Int, seed: UInt64, epoch: Int) -> [[Int]] {
        var order = Array(0..<count)
        var g = SeededGenerator(seed: seed &* 1_000_003 &+ UInt64(epoch))
        order.shuffle(using: &g)
        return stride(from: 0, to: order.count, by: size).map { Array(order[$0..<min($0 + size, order.count)]) }
    }
}

/// A training batch: images `[B, 3, S, S]` and every caption of those images as a row of a padded
/// `[R, T]` matrix, with the image row each caption belongs to (each image is encoded once).
public struct CaptionBatch {
    public let images: Tensor
    public let captions: [Int32]
    public let lengths: [Int]
    public let captionImage: [Int32]

    public init(set: CaptionSet, cache: ImageCache, imageIndices: [Int], configuration: CaptionerConfiguration) {
        let side = cache.side
        let images = Tensor(zeros: [imageIndices.count, 3, side, side])
        cache.writeBatch(slots: imageIndices.map { set.slots[$0] }, mean: configuration.mean,
                         standardDeviation: configuration.standardDeviation, into: images.data)
        var rows: [[Int32]] = [], owners: [Int32] = []
        for (b, i) in imageIndices.enumerated() {
            for c in set.captions[i] { rows.append(c); owners.append(Int32(b)) }
        }
        let width = rows.map(\.count).max() ?? 2
        self.images = images
        captions = rows.flatMap { $0 + [Int32](repeating: 0, count: width - $0.count) }
        lengths = rows.map(\.count)
        captionImage = owners
    }
}
