import CaptionMetrics

/// The COCO caption metrics of generated captions against references (as pycocoevalcap computes
/// them): `bleu1`...`bleu4`, `rougeL`, `cider` (CIDEr-D). METEOR is not computed (it needs Java).
public func cocoScores(hypotheses: [String], references: [[String]]) -> [String: Double] {
    var h: [Int: String] = [:], r: [Int: [String]] = [:]
    for (i, text) in hypotheses.enumerated() { h[i] = text; r[i] = references[i] }
    guard !h.isEmpty, let scores = try? evaluate(hypotheses: h, references: r) else { return [:] }
    var named: [String: Double] = ["rougeL": scores.rougeL, "cider": scores.ciderD]
    for (n, b) in scores.bleu.enumerated() { named["bleu\(n + 1)"] = b }
    return named
}
