/// The checker's answer about one caption and one scene.
public struct CaptionVerdict: Sendable, Equatable {
    /// Whether the caption parses and is entirely true of the scene.
    public var isTrue: Bool
    /// "true", or the first reason it is not (a parse error or the part of the caption that fails).
    public var explanation: String
}

/// Decides whether a caption is entirely true of a scene.
///
/// The caption must parse in the grammar of `CaptionMeaning` (a caption that does not is false). Then:
/// every numbered phrase ("two red circles", "three shapes") must match exactly that many objects; and
/// the "a" phrases must name distinct objects, each with the attributes named, such that every relation
/// and position in the caption holds by `SpatialRules` (centre difference above side / 8).
public enum SceneChecker {
    /// Whether `caption` (text, words separated by spaces) is entirely true of `scene`.
    public static func isTrue(caption: String, of scene: Scene) -> Bool {
        check(caption: caption, of: scene).isTrue
    }

    /// The verdict on `caption` (text) with an explanation.
    public static func check(caption: String, of scene: Scene) -> CaptionVerdict {
        check(tokens: CaptionParser.tokens(of: caption), of: scene)
    }

    /// The verdict on a tokenised caption (special tokens such as `<end>` are ignored).
    public static func check(tokens: [String], of scene: Scene) -> CaptionVerdict {
        do {
            let parsed = try CaptionParser.parse(tokens: tokens)
            return check(meaning: parsed.meaning, of: scene)
        } catch {
            return CaptionVerdict(isTrue: false, explanation: "cannot parse: \(error.reason)")
        }
    }

    /// The verdict on a caption's meaning.
    public static func check(meaning: CaptionMeaning, of scene: Scene) -> CaptionVerdict {
        let objects = scene.objects
        for phrase in meaning.phrases {
            if case .exactly(let count) = phrase.quantity {
                let found = objects.filter(phrase.matches).count
                if found != count {
                    return CaptionVerdict(isTrue: false, explanation: "\"\(phrase.words.joined(separator: " "))\": the scene has \(found)")
                }
            } else if !objects.contains(where: phrase.matches) {
                return CaptionVerdict(isTrue: false, explanation: "the scene has no \(phrase.attributeText)")
            }
        }
        for clause in meaning.clauses {
            switch clause {
            case .mention:
                continue
            case .position(let phrase, let position):
                if !objects.contains(where: { phrase.matches($0) && SpatialRules.holds(position, $0.box, side: scene.side) }) {
                    return CaptionVerdict(isTrue: false, explanation: "no \(phrase.attributeText) is \(position.words.joined(separator: " "))")
                }
            case .relation(let first, let relation, let second):
                let holds = objects.indices.contains { i in
                    objects.indices.contains { j in
                        i != j && first.matches(objects[i]) && second.matches(objects[j])
                            && SpatialRules.holds(relation, objects[i].box, objects[j].box, side: scene.side)
                    }
                }
                if !holds {
                    return CaptionVerdict(isTrue: false, explanation:
                        "no \(first.attributeText) is \(relation.words.joined(separator: " ")) a \(second.attributeText)")
                }
            }
        }
        if assignments(of: meaning, in: scene).isEmpty {
            return CaptionVerdict(isTrue: false, explanation: "no choice of distinct objects fits every part of the caption at once")
        }
        return CaptionVerdict(isTrue: true, explanation: "true")
    }

    /// Every way of giving each "a" phrase of `meaning` its own object so that all attributes, relations
    /// and positions hold. Each result has one entry per phrase of `meaning.phrases`: an index into
    /// `scene.objects`, or `nil` for numbered phrases. Counts are not checked here.
    public static func assignments(of meaning: CaptionMeaning, in scene: Scene) -> [[Int?]] {
        let phrases = meaning.phrases
        var positions: [(phrase: Int, position: AbsolutePosition)] = []
        var relations: [(first: Int, relation: SpatialRelation, second: Int)] = []
        var phraseIndex = 0
        for clause in meaning.clauses {
            switch clause {
            case .mention: break
            case .position(_, let position): positions.append((phraseIndex, position))
            case .relation(_, let relation, _): relations.append((phraseIndex, relation, phraseIndex + 1))
            }
            phraseIndex += clause.phrases.count
        }
        let open = phrases.indices.filter { phrases[$0].quantity == .indefinite }
        var results: [[Int?]] = []
        var current = [Int?](repeating: nil, count: phrases.count)
        var used = Set<Int>()

        func consistent() -> Bool {
            for (phrase, position) in positions {
                if let object = current[phrase], !SpatialRules.holds(position, scene.objects[object].box, side: scene.side) { return false }
            }
            for (first, relation, second) in relations {
                if let a = current[first], let b = current[second],
                   !SpatialRules.holds(relation, scene.objects[a].box, scene.objects[b].box, side: scene.side) { return false }
            }
            return true
        }

        func extend(_ depth: Int) {
            if depth == open.count {
                results.append(current)
                return
            }
            let phrase = open[depth]
            for object in scene.objects.indices where !used.contains(object) && phrases[phrase].matches(scene.objects[object]) {
                current[phrase] = object
                used.insert(object)
                if consistent() { extend(depth + 1) }
                used.remove(object)
                current[phrase] = nil
            }
        }
        extend(0)
        return results
    }
}
