/// Which object each colour and shape word of a caption refers to, for scoring attention.
public enum CaptionGrounding {
    /// Boxes for the words of `tokens` that name a colour or a shape (the shape noun, including the
    /// generic "shape"), keyed by token index, for each word whose object is unambiguous:
    /// - an "a" phrase is grounded when every way of making the caption true (`SceneChecker.assignments`)
    ///   gives it the same object; if the caption is not true, when exactly one object has its attributes;
    /// - a "one ..." phrase is grounded when exactly one object matches it;
    /// - "two ..." and "three ..." phrases name several objects and are not grounded.
    ///
    /// Special tokens (`<start>`, `<end>`) and punctuation are skipped but counted in the indices.
    /// A caption that does not parse grounds nothing.
    public static func groundedBoxes(tokens: [String], scene: Scene) -> [Int: Box] {
        guard let parsed = try? CaptionParser.parse(tokens: tokens) else { return [:] }
        let phrases = parsed.meaning.phrases
        let assignments = SceneChecker.assignments(of: parsed.meaning, in: scene)
        var boxes: [Int: Box] = [:]
        for (index, phrase) in phrases.enumerated() {
            var candidates = Set<Int>()
            switch phrase.quantity {
            case .indefinite where !assignments.isEmpty:
                for assignment in assignments { if let object = assignment[index] { candidates.insert(object) } }
            case .indefinite, .exactly(1):
                candidates = Set(scene.objects.indices.filter { phrase.matches(scene.objects[$0]) })
            case .exactly:
                continue
            }
            guard candidates.count == 1, let object = candidates.first else { continue }
            let tokens = parsed.phraseTokens[index]
            if let color = tokens.color { boxes[color] = scene.objects[object].box }
            boxes[tokens.noun] = scene.objects[object].box
        }
        return boxes
    }
}

/// Shorthand for `CaptionGrounding.groundedBoxes(tokens:scene:)`.
public func groundedBoxes(tokens: [String], scene: Scene) -> [Int: Box] {
    CaptionGrounding.groundedBoxes(tokens: tokens, scene: scene)
}
