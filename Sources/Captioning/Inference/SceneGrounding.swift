import Synth

/// Scores of generated captions on synthetic scenes: how many are entirely true of their scene
/// (`SceneChecker`), and attention grounding — for every emitted word that names an object's
/// colour or shape, the share of that step's attention mass inside the object's box, averaged,
/// beside the same share for uniform attention (the box's area over the image's).
public struct SceneCaptionScores: Codable, Sendable {
    public var captions = 0
    public var trueCaptions = 0
    public var groundedWords = 0
    public var attentionInBox = 0.0
    public var uniformInBox = 0.0

    public init() {}

    public var trueShare: Double { captions > 0 ? Double(trueCaptions) / Double(captions) : 0 }
    public var meanAttentionInBox: Double { groundedWords > 0 ? attentionInBox / Double(groundedWords) : 0 }
    public var meanUniformInBox: Double { groundedWords > 0 ? uniformInBox / Double(groundedWords) : 0 }

    /// Adds one caption: its words, the attention of each word's step (`grid x grid` values over
    /// a `side x side` image, row-major), and its scene.
    public mutating func add(words: [String], alphas: [[Float]], scene: Scene, side: Int) {
        captions += 1
        if SceneChecker.isTrue(caption: words.joined(separator: " "), of: scene) { trueCaptions += 1 }
        let grid = Int(Double(alphas.first?.count ?? 0).squareRoot())
        guard grid > 0 else { return }
        for (index, box) in CaptionGrounding.groundedBoxes(tokens: words, scene: scene) where index < alphas.count {
            attentionInBox += SceneCaptionScores.massInside(box, alpha: alphas[index], grid: grid, side: side)
            uniformInBox += Double(box.width * box.height) / Double(side * side)
            groundedWords += 1
        }
    }

    /// The attention mass inside `box`: each location's weight spread evenly over its cell of
    /// `side / grid` pixels, summed over the pixels of the box.
    static func massInside(_ box: Box, alpha: [Float], grid: Int, side: Int) -> Double {
        let cell = Double(side) / Double(grid)
        var mass = 0.0
        for gy in 0..<grid {
            for gx in 0..<grid {
                let x0 = Double(gx) * cell, y0 = Double(gy) * cell
                let overlapX = max(0, min(x0 + cell, Double(box.x1)) - max(x0, Double(box.x0)))
                let overlapY = max(0, min(y0 + cell, Double(box.y1)) - max(y0, Double(box.y0)))
                mass += Double(alpha[gy * grid + gx]) * overlapX * overlapY / (cell * cell)
            }
        }
        return mass
    }
}
