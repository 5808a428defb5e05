/// One line of `boxes.jsonl`: an image and its objects' boxes.
///
/// `{"filename": "000042.png", "filepath": "images", "height": 64, "imgid": 42, "objects": [{"box":
/// {"x0": 3, "x1": 15, "y0": 40, "y1": 52}, "color": "red", "shape": "circle", "size": "small"}],
/// "split": "train", "width": 64}`. Boxes are half-open pixel boxes (see `Box`).
public struct SynthBoxesRecord: Sendable, Hashable, Codable {
    /// File name inside `filepath`.
    public var filename: String
    /// Folder of the image relative to the dataset folder: "images".
    public var filepath: String
    /// Split name (`SynthSplit` raw value).
    public var split: String
    /// The image's index, as in `dataset_synth.json`.
    public var imgid: Int
    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// The objects with their boxes.
    public var objects: [SceneObject]

    /// The record of `sample`.
    public init(sample: SynthSample) {
        filename = sample.fileName; filepath = "images"; split = sample.split.rawValue; imgid = sample.index
        width = sample.scene.side; height = sample.scene.side; objects = sample.scene.objects
    }

    /// The scene, for `SceneChecker` and `CaptionGrounding`.
    public var scene: Scene { Scene(side: width, objects: objects) }
}

/// `dataset_synth.json`: the captions in the layout of Karpathy's split files (`dataset_coco.json`).
public struct KarpathyDataset: Sendable, Hashable, Codable {
    /// "synth".
    public var dataset: String
    /// Every image, in `imgid` order.
    public var images: [KarpathyImage]

    /// A dataset named `dataset` holding `images`.
    public init(dataset: String, images: [KarpathyImage]) {
        self.dataset = dataset; self.images = images
    }
}

/// One image of a Karpathy split file.
public struct KarpathyImage: Sendable, Hashable, Codable {
    /// File name inside `filepath`.
    public var filename: String
    /// Folder relative to the dataset folder ("images").
    public var filepath: String
    /// "train", "val", "test" or "test_compositional".
    public var split: String
    /// Image index, from 0.
    public var imgid: Int
    /// The `sentid` of each sentence, in order.
    public var sentids: [Int]
    /// The captions.
    public var sentences: [KarpathySentence]

    /// The entry of `sample`, its sentences numbered from `firstSentenceID`.
    public init(sample: SynthSample, firstSentenceID: Int) {
        self.init(record: SampleRecord(boxes: SynthBoxesRecord(sample: sample), captions: sample.captions), firstSentenceID: firstSentenceID)
    }
}

/// One caption of a Karpathy split file.
public struct KarpathySentence: Sendable, Hashable, Codable {
    /// The words (lowercase, no punctuation).
    public var tokens: [String]
    /// The caption as text (the tokens joined by spaces).
    public var raw: String
    /// The image's index.
    public var imgid: Int
    /// Sentence index, unique over the dataset, from 0.
    public var sentid: Int

    /// A sentence of image `imgid`.
    public init(tokens: [String], raw: String, imgid: Int, sentid: Int) {
        self.tokens = tokens; self.raw = raw; self.imgid = imgid; self.sentid = sentid
    }
}
