/// ROUGE-L of a corpus of captions (the mean over images) and of each image.
public struct ROUGELScores: Sendable, Equatable {
    /// The mean of `perImage`.
    public var corpus: Double
    /// ROUGE-L of each image.
    public var perImage: [Double]
}

/// ROUGE-L exactly as pycocoevalcap's `Rouge()` computes it, on captions that are already tokenised.
///
/// Per image, with hypothesis c and references r_1 ... r_m:
///
///     P = max_j LCS(c, r_j) / |c|,   R = max_j LCS(c, r_j) / |r_j|
///     ROUGE-L = (1 + beta^2) P R / (R + beta^2 P)   (0 when P or R is 0),   beta = 1.2
///
/// P and R are maximised separately, over possibly different references. The corpus score is the
/// mean over images. pycocoevalcap splits on single spaces, so an empty caption counts as one empty
/// token: |c| = 1 and it matches only another empty caption (then ROUGE-L = 1). This function does
/// the same.
///
/// - Parameters:
///   - hypotheses: one tokenised hypothesis per image.
///   - references: for each image, at least one tokenised reference.
///   - beta: the weight of recall against precision (1.2 in pycocoevalcap).
public func rougeLScores(hypotheses: [[String]], references: [[[String]]], beta: Double = 1.2) -> ROUGELScores {
    precondition(hypotheses.count == references.count, "one reference list per hypothesis")
    let perImage = zip(hypotheses, references).map { rougeL(hypothesis: $0, references: $1, beta: beta) }
    let corpus = perImage.isEmpty ? 0 : perImage.reduce(0, +) / Double(perImage.count)
    return ROUGELScores(corpus: corpus, perImage: perImage)
}

/// ROUGE-L of one hypothesis against its references (see `rougeLScores(hypotheses:references:beta:)`):
/// (1 + beta^2) P R / (R + beta^2 P) with P, R the best LCS precision and recall over the references.
public func rougeL(hypothesis: [String], references: [[String]], beta: Double = 1.2) -> Double {
    precondition(!references.isEmpty, "ROUGE-L needs at least one reference")
    let candidate = hypothesis.isEmpty ? [""] : hypothesis
    var bestPrecision = 0.0
    var bestRecall = 0.0
    for reference in references {
        let target = reference.isEmpty ? [""] : reference
        let common = Double(longestCommonSubsequenceLength(candidate, target))
        bestPrecision = max(bestPrecision, common / Double(candidate.count))
        bestRecall = max(bestRecall, common / Double(target.count))
    }
    guard bestPrecision != 0, bestRecall != 0 else { return 0 }
    let betaSquared = beta * beta
    return ((1 + betaSquared) * bestPrecision * bestRecall) / (bestRecall + betaSquared * bestPrecision)
}

/// The length of the longest common subsequence of `first` and `second` (dynamic programming,
/// O(|first| |second|) time, O(min) memory): L[i][j] = L[i-1][j-1] + 1 if first[i] == second[j],
/// else max(L[i-1][j], L[i][j-1]).
public func longestCommonSubsequenceLength(_ first: [String], _ second: [String]) -> Int {
    let (long, short) = first.count >= second.count ? (first, second) : (second, first)
    guard !short.isEmpty else { return 0 }
    var previous = [Int](repeating: 0, count: short.count + 1)
    var current = previous
    for item in long {
        for j in 1...short.count {
            current[j] = item == short[j - 1] ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
        }
        swap(&previous, &current)
    }
    return previous[short.count]
}
