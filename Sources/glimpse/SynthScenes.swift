import Captioning
import Foundation
import Synth

/// The scenes of a `glimpse synth` dataset, by image file name, read from `boxes.jsonl` in the
/// image folder; nil for any other dataset.
func synthScenes(imageFolder: String) throws -> [String: Scene]? {
    let path = imageFolder + "/boxes.jsonl"
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    var scenes: [String: Scene] = [:]
    for record in try SynthBoxesFile.read(path: path) { scenes[record.filename] = record.scene }
    return scenes
}

/// The COCO metrics of validation captions, plus on synthetic scenes `truth` (the share of
/// captions entirely true of their scene) and `grounding` (the mean attention mass inside the
/// named object's box, `SceneCaptionScores`). `images` are the validation images in caption order,
/// `side` the model's image side.
func validationScorer(scenes: [String: Scene]?, images: [CaptionedImage], side: Int) -> CaptionScorer {
    let imageScenes = images.map { scenes?[$0.imageName] }
    return { captions, references in
        var scores = cocoScores(hypotheses: captions.map(\.text), references: references)
        var sceneScores = SceneCaptionScores()
        for (caption, scene) in zip(captions, imageScenes) {
            guard let scene else { continue }
            sceneScores.add(words: caption.words, alphas: caption.alphas, scene: scene, side: side)
        }
        if sceneScores.captions > 0 { scores["truth"] = sceneScores.trueShare }
        if sceneScores.groundedWords > 0 { scores["grounding"] = sceneScores.meanAttentionInBox }
        return scores
    }
}
