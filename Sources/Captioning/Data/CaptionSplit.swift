/// The part of a captioning dataset an image belongs to.
///
/// `restval` is Karpathy's name for the COCO validation images not held out for `val` or `test`;
/// training code usually merges it into `train`. Images whose format or split lists say nothing
/// about their split are `unknown`.
public enum CaptionSplit: String, Sendable, CaseIterable, Codable {
    /// Training images.
    case train
    /// Validation images (Flickr8k's "dev" list).
    case val
    /// Held-out test images.
    case test
    /// Karpathy's rest-of-validation images, usually trained on.
    case restval
    /// Synthetic test scenes holding colour-shape pairs never seen in training (`glimpse synth --hold-out`).
    case testCompositional = "test_compositional"
    /// No split information.
    case unknown
}
