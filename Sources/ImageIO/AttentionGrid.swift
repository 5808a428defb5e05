/// Pictures of where the captioning model looked: one attention overlay per emitted word, laid out in a
/// labelled grid (the layout of Show, Attend and Tell's figures).
public enum AttentionGrid {
    /// A grid with `image` itself first (labelled `firstLabel`, e.g. "<start>"; pass `nil` to leave it out),
    /// then one panel per word: `image.overlaying(attention: maps[t], ...)` labelled `words[t]`.
    ///
    /// `words.count == maps.count`; each map is one decoding step's `alpha` over the `S/8 x S/8` locations.
    /// `panelSide` (optional) first squashes the image to `panelSide x panelSide`.
    public static func render(image: Image, words: [String], maps: [AttentionMap], columns: Int = 5,
                              panelSide: Int? = nil, firstLabel: String? = "<start>", colorMap: ColorMap = .viridis,
                              opacity: Float = 0.6, scaling: AttentionScaling = .minMax, labelScale: Int = 1) -> Image {
        precondition(words.count == maps.count, "\(words.count) words but \(maps.count) attention maps")
        let base = panelSide.map { image.squashed(to: $0) } ?? image
        var panels: [LabeledPanel] = []
        if let firstLabel { panels.append(LabeledPanel(image: base, label: firstLabel)) }
        for (word, map) in zip(words, maps) {
            panels.append(LabeledPanel(image: base.overlaying(attention: map, colorMap: colorMap, opacity: opacity, scaling: scaling),
                                       label: word))
        }
        if panels.isEmpty { panels.append(LabeledPanel(image: base, label: "")) }
        return ImageGrid.compose(panels: panels, columns: columns, labelScale: labelScale)
    }
}
