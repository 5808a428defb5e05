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

/// The COCO metrics of validation captions, plus on synthetic scenes `truth`: the share of
/// captions entirely true of their scene. `images` are the validation images in caption order.
func validationScorer(scenes: [String: Scene]?, images: [CaptionedImage]) -> CaptionScorer {
    let imageScenes = images.map { scenes?[$0.imageName] }
    return { hypotheses, references in
        var scores = cocoScores(hypotheses: hypotheses, references: references)
        guard scenes != nil else { return scores }
        var checked = 0, correct = 0
        for (caption, scene) in zip(hypotheses, imageScenes) {
            guard let scene else { continue }
            checked += 1
            if SceneChecker.isTrue(caption: caption, of: scene) { correct += 1 }
        }
        if checked > 0 { scores["truth"] = Double(correct) / Double(checked) }
        return scores
    }
}
