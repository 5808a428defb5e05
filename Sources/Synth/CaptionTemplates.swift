/// Writes true captions of a scene from a few templates, varied by a seeded generator.
///
/// Template families (each caption comes from one; the five of an image use different families
/// where the scene allows, in random order):
/// - `listAll`: every object, joined by "and" ("a small red circle and two large blue squares");
///   identical objects are counted, others described.
/// - `single`: one object ("there is a red circle", "a large triangle").
/// - `totalCount`: how many objects ("there are three shapes", "one shape").
/// - `groupCount`: how many share some attributes, when at least two do ("two red shapes",
///   "there are two small circles").
/// - `relation`: two objects and their relation along the axis where their centres differ most
///   ("a small red circle to the left of a large blue square", "a blue square above a green triangle").
/// - `position`: an object away from the middle ("a yellow diamond at the top").
/// - `relationAndRest`: in three-object scenes, a relation and the third object
///   ("a red circle below a white cross and a small green square").
///
/// An object named with "a" is always described so that no other object in the scene fits the
/// description (the full size-colour-shape description half the time, otherwise a random shorter
/// one that is still unique, naming the shape three times in four when that is unique, otherwise
/// with the generic noun "shape"), so every "a" phrase can be grounded to one box. Relations and positions
/// are stated only when they hold by `SpatialRules`. "there is/are" opens some captions.
public enum CaptionTemplates {
    /// Captions written per image.
    public static let captionsPerImage = 5

    /// The template families (see the type's description).
    public enum Family: CaseIterable, Sendable {
        /// Every object.
        case listAll
        /// One object.
        case single
        /// The number of objects.
        case totalCount
        /// The number of objects sharing attributes.
        case groupCount
        /// Two objects and their relation.
        case relation
        /// One object and its position in the image.
        case position
        /// A relation and the remaining object.
        case relationAndRest
    }

    /// `count` captions of `scene`, different from each other when the scene allows so many (otherwise
    /// the distinct ones are repeated in order to make up the number).
    public static func captions(for scene: Scene, count: Int = captionsPerImage, random: inout SeededRandom) -> [CaptionMeaning] {
        let families = random.shuffled(Family.allCases)
        var captions: [CaptionMeaning] = []
        var texts = Set<String>()
        for _ in 0..<12 where captions.count < count {
            for family in families where captions.count < count {
                guard let caption = caption(family, of: scene, random: &random) else { continue }
                if texts.insert(caption.text).inserted { captions.append(caption) }
            }
        }
        let distinct = captions.count
        precondition(distinct > 0, "every scene has at least one caption")
        while captions.count < count { captions.append(captions[captions.count % distinct]) }
        return captions
    }

    /// One caption of `family`, or `nil` if the scene offers nothing for it.
    public static func caption(_ family: Family, of scene: Scene, random: inout SeededRandom) -> CaptionMeaning? {
        let objects = scene.objects
        switch family {
        case .listAll:
            var groups: [[Int]] = []
            for index in objects.indices {
                if let group = groups.firstIndex(where: { sameKind(objects[$0[0]], objects[index]) }) {
                    groups[group].append(index)
                } else {
                    groups.append([index])
                }
            }
            var clauses: [CaptionClause] = []
            for group in random.shuffled(groups) {
                if group.count == 1 {
                    guard let phrase = description(of: group[0], in: scene, random: &random) else { return nil }
                    clauses.append(.mention(phrase))
                } else {
                    let model = objects[group[0]]
                    clauses.append(.mention(NounPhrase(quantity: .exactly(group.count), size: model.size, color: model.color, shape: model.shape)))
                }
            }
            return CaptionMeaning(opensWithThere: random.chance(0.3), clauses: clauses)
        case .single:
            let index = random.integer(below: objects.count)
            guard let phrase = description(of: index, in: scene, random: &random) else { return nil }
            return CaptionMeaning(opensWithThere: random.chance(0.5), clauses: [.mention(phrase)])
        case .totalCount:
            return CaptionMeaning(opensWithThere: random.chance(0.6), clauses: [.mention(NounPhrase(quantity: .exactly(objects.count)))])
        case .groupCount:
            var options: [NounPhrase] = []
            for object in objects {
                for mask in 1..<8 {
                    let phrase = NounPhrase(quantity: .indefinite, size: mask & 1 != 0 ? object.size : nil,
                                            color: mask & 2 != 0 ? object.color : nil, shape: mask & 4 != 0 ? object.shape : nil)
                    let matching = objects.filter(phrase.matches).count
                    var counted = phrase
                    counted.quantity = .exactly(matching)
                    if matching >= 2 && !options.contains(counted) { options.append(counted) }
                }
            }
            guard !options.isEmpty else { return nil }
            return CaptionMeaning(opensWithThere: random.chance(0.5), clauses: [.mention(random.element(of: options))])
        case .relation:
            guard let (first, relation, second) = relatedPair(in: scene, excluding: nil, random: &random),
                  let firstPhrase = description(of: first, in: scene, random: &random),
                  let secondPhrase = description(of: second, in: scene, random: &random) else { return nil }
            return CaptionMeaning(opensWithThere: random.chance(0.25), clauses: [.relation(firstPhrase, relation, secondPhrase)])
        case .position:
            let placed = objects.indices.compactMap { index in
                SpatialRules.clearestPosition(objects[index].box, side: scene.side).map { (index, $0) }
            }
            guard !placed.isEmpty else { return nil }
            let (index, position) = random.element(of: placed)
            guard let phrase = description(of: index, in: scene, random: &random) else { return nil }
            return CaptionMeaning(opensWithThere: random.chance(0.3), clauses: [.position(phrase, position)])
        case .relationAndRest:
            guard objects.count == 3 else { return nil }
            let rest = random.integer(below: 3)
            guard let (first, relation, second) = relatedPair(in: scene, excluding: rest, random: &random),
                  let firstPhrase = description(of: first, in: scene, random: &random),
                  let secondPhrase = description(of: second, in: scene, random: &random),
                  let restPhrase = description(of: rest, in: scene, random: &random) else { return nil }
            return CaptionMeaning(opensWithThere: random.chance(0.25),
                                  clauses: [.relation(firstPhrase, relation, secondPhrase), .mention(restPhrase)])
        }
    }

    /// An "a" phrase that fits object `index` and no other object of the scene, or `nil` if none does
    /// (another object has the same size, colour and shape).
    public static func description(of index: Int, in scene: Scene, random: inout SeededRandom) -> NounPhrase? {
        let object = scene.objects[index]
        var unique: [NounPhrase] = []
        for mask in 1..<8 {
            let phrase = NounPhrase(quantity: .indefinite, size: mask & 1 != 0 ? object.size : nil,
                                    color: mask & 2 != 0 ? object.color : nil, shape: mask & 4 != 0 ? object.shape : nil)
            if scene.objects.indices.allSatisfy({ $0 == index || !phrase.matches(scene.objects[$0]) }) { unique.append(phrase) }
        }
        guard !unique.isEmpty else { return nil }
        let full = NounPhrase(quantity: .indefinite, size: object.size, color: object.color, shape: object.shape)
        if unique.contains(full) && random.chance(0.5) { return full }
        let naming = unique.filter { $0.shape != nil }, generic = unique.filter { $0.shape == nil }
        if generic.isEmpty || (!naming.isEmpty && random.chance(0.75)) { return random.element(of: naming) }
        return random.element(of: generic)
    }

    /// A random ordered pair of distinct objects (neither `excluding`) whose clearest relation holds,
    /// with that relation; `nil` if no pair has one.
    private static func relatedPair(in scene: Scene, excluding: Int?, random: inout SeededRandom)
        -> (Int, SpatialRelation, Int)? {
        var pairs: [(Int, SpatialRelation, Int)] = []
        for first in scene.objects.indices where first != excluding {
            for second in scene.objects.indices where second != first && second != excluding {
                if let relation = SpatialRules.clearestRelation(scene.objects[first].box, scene.objects[second].box, side: scene.side) {
                    pairs.append((first, relation, second))
                }
            }
        }
        return pairs.isEmpty ? nil : random.element(of: pairs)
    }

    /// Same size, colour and shape.
    private static func sameKind(_ a: SceneObject, _ b: SceneObject) -> Bool {
        a.size == b.size && a.color == b.color && a.shape == b.shape
    }
}
