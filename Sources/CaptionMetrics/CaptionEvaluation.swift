/// Why a set of captions cannot be evaluated.
public enum CaptionEvaluationError: Error, Equatable, CustomStringConvertible {
    /// An image has references but no hypothesis (its description).
    case missingHypothesis(image: String)
    /// An image has a hypothesis but no references (its description).
    case missingReferences(image: String)
    /// Nothing to evaluate.
    case noImages

    /// One line naming the image and what is missing.
    public var description: String {
        switch self {
        case .missingHypothesis(let image): return "image \(image) has references but no generated caption"
        case .missingReferences(let image): return "image \(image) has a generated caption but no reference captions"
        case .noImages: return "there are no captions to evaluate"
        }
    }
}

/// BLEU-1..4, ROUGE-L, CIDEr-D and plain CIDEr of generated captions against reference captions,
/// as the COCO caption evaluation (pycocoevalcap) computes them: both sides go through the PTB-style
/// tokenizer (lowercased, punctuation removed), then every scorer runs on the tokens.
///
/// Every image must have exactly one hypothesis and at least one reference (pycocoevalcap asserts
/// the same). Images are scored in increasing ID order; the corpus scores do not depend on it.
///
/// - Parameters:
///   - hypotheses: the generated caption of each image.
///   - references: the reference captions of each image.
///   - tokenizer: the tokenizer for both sides.
public func evaluate<ID: Hashable & Comparable & Sendable & CustomStringConvertible>(
    hypotheses: [ID: String], references: [ID: [String]], tokenizer: PTBTokenizer = PTBTokenizer()
) throws -> MetricScores<ID> {
    try evaluate(tokenizedHypotheses: hypotheses.mapValues(tokenizer.tokenize),
                 tokenizedReferences: references.mapValues { $0.map(tokenizer.tokenize) })
}

/// The same metrics as `evaluate(hypotheses:references:tokenizer:)` on captions that are already
/// tokenised (what pycocoevalcap's scorers receive after its tokenizer).
public func evaluate<ID: Hashable & Comparable & Sendable & CustomStringConvertible>(
    tokenizedHypotheses: [ID: [String]], tokenizedReferences: [ID: [[String]]]
) throws -> MetricScores<ID> {
    for id in tokenizedReferences.keys.sorted() where tokenizedHypotheses[id] == nil {
        throw CaptionEvaluationError.missingHypothesis(image: id.description)
    }
    for id in tokenizedHypotheses.keys.sorted() where (tokenizedReferences[id] ?? []).isEmpty {
        throw CaptionEvaluationError.missingReferences(image: id.description)
    }
    let ids = tokenizedHypotheses.keys.sorted()
    guard !ids.isEmpty else { throw CaptionEvaluationError.noImages }
    let hypotheses = ids.map { tokenizedHypotheses[$0]! }
    let references = ids.map { tokenizedReferences[$0]! }

    let bleu = bleuScores(hypotheses: hypotheses, references: references, maxOrder: 4)
    let rouge = rougeLScores(hypotheses: hypotheses, references: references)
    let ciderD = ciderScores(hypotheses: hypotheses, references: references, variant: .ciderD)
    let ciderPlain = ciderScores(hypotheses: hypotheses, references: references, variant: .plain)

    var perImage: [ID: ImageScores] = [:]
    for (index, id) in ids.enumerated() {
        perImage[id] = ImageScores(bleu: bleu.perImage[index], rougeL: rouge.perImage[index],
                                   ciderD: ciderD.perImage[index], ciderPlain: ciderPlain.perImage[index])
    }
    return MetricScores(bleu: bleu.corpus, rougeL: rouge.corpus, ciderD: ciderD.corpus,
                        ciderPlain: ciderPlain.corpus, imageIDs: ids, perImage: perImage)
}
