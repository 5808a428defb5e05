import ImageIO

/// One generated image with everything written about it.
public struct SynthSample: Sendable {
    /// Position in the dataset (`imgid`), from 0.
    public var index: Int
    /// File name inside `images/`, e.g. `000042.png`.
    public var fileName: String
    /// The split it belongs to.
    public var split: SynthSplit
    /// The objects and their boxes.
    public var scene: Scene
    /// The rendered picture.
    public var image: Image
    /// Its captions (`CaptionTemplates.captionsPerImage` of them).
    public var captions: [CaptionMeaning]

    /// Builds sample `index` of a dataset: a function of its arguments only (not of other samples or of
    /// threads), drawn from the stream `SeededRandom(seed: seed, stream: index)`.
    ///
    /// Scenes of train, val and test use only pairs outside `holdOut`; a `test_compositional` scene's first
    /// object takes a random held-out pair (`holdOut` must then not be empty) and the others any pair.
    /// `fileNameDigits` pads the file name's number with zeros.
    public init(index: Int, split: SynthSplit, side: Int, seed: UInt64, holdOut: [ColorShapePair], fileNameDigits: Int = 6) {
        var random = SeededRandom(seed: seed, stream: UInt64(index))
        let sampler = SceneSampler(side: side)
        let placements: [ShapePlacement]
        if split == .testCompositional {
            precondition(!holdOut.isEmpty, "a compositional test scene needs held-out pairs")
            let required = random.element(of: holdOut)
            placements = sampler.placements(allowed: ColorShapePair.all, required: required, random: &random)
        } else {
            let allowed = ColorShapePair.all.filter { !holdOut.contains($0) }
            placements = sampler.placements(allowed: allowed, required: nil, random: &random)
        }
        let background = BackgroundTexture.render(side: side, random: &random)
        let (image, objects) = SceneRenderer.render(placements: placements, on: background)
        let scene = Scene(side: side, objects: objects)
        self.index = index
        self.fileName = Self.fileName(index: index, digits: fileNameDigits)
        self.split = split
        self.scene = scene
        self.image = image
        self.captions = CaptionTemplates.captions(for: scene, random: &random)
    }

    /// `index` zero-padded to `digits` digits, with ".png".
    public static func fileName(index: Int, digits: Int) -> String {
        let number = String(index)
        return String(repeating: "0", count: max(0, digits - number.count)) + number + ".png"
    }
}
