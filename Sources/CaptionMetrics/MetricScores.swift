/// The scores of one image's hypothesis against its references.
public struct ImageScores: Sendable, Equatable {
    /// BLEU-1 ... BLEU-4 of this image alone (`bleu[n - 1]` is BLEU-n).
    public var bleu: [Double]
    /// ROUGE-L (beta = 1.2).
    public var rougeL: Double
    /// CIDEr-D (what COCO reports as "CIDEr"), with document frequencies from the whole evaluated set.
    public var ciderD: Double
    /// Plain CIDEr (no clipping, no length penalty), same document frequencies.
    public var ciderPlain: Double
}

/// Caption metrics of a set of images, computed as pycocoevalcap computes them.
///
///     bleu[n - 1]  corpus BLEU-n (clipped n-gram matches and lengths summed over images, closest
///                  reference length, brevity penalty on the sums)
///     rougeL       mean over images of ROUGE-L
///     ciderD       mean over images of CIDEr-D (COCO's "CIDEr")
///     ciderPlain   mean over images of plain CIDEr
///
/// METEOR is not provided: its reference implementation needs Java and WordNet.
public struct MetricScores<ID: Hashable & Sendable>: Sendable {
    /// Corpus BLEU-1 ... BLEU-4 (`bleu[n - 1]` is BLEU-n).
    public var bleu: [Double]
    /// Mean ROUGE-L.
    public var rougeL: Double
    /// Mean CIDEr-D, the COCO evaluation's "CIDEr".
    public var ciderD: Double
    /// Mean plain CIDEr.
    public var ciderPlain: Double
    /// The images in the order they were scored.
    public var imageIDs: [ID]
    /// The scores of each image.
    public var perImage: [ID: ImageScores]

    /// The corpus scores under the names COCOEvalCap prints (Bleu_1 ... Bleu_4, ROUGE_L, CIDEr = CIDEr-D),
    /// followed by "CIDEr_plain".
    public var namedScores: [(name: String, value: Double)] {
        var result: [(name: String, value: Double)] = bleu.enumerated().map { ("Bleu_\($0.offset + 1)", $0.element) }
        result.append(("ROUGE_L", rougeL))
        result.append(("CIDEr", ciderD))
        result.append(("CIDEr_plain", ciderPlain))
        return result
    }
}
