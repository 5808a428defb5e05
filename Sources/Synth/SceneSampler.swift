/// Chooses the objects of a scene and where they go, before anything is drawn.
///
/// A scene has 1, 2 or 3 objects (equally likely). The first object's colour-shape pair is `required`
/// if given, otherwise uniform over `allowed`; each later object, with probability `repeatProbability`,
/// copies the colour, the shape or both (equally likely) of an earlier object when an allowed pair
/// permits it (so counts like "two red circles" occur often enough to learn), and is otherwise uniform
/// over `allowed`. Sizes are small or large with equal odds; the extent is uniform in the size's range.
/// Objects are placed largest first at uniform random centres that keep every shape `border` pixels
/// inside the image and its pixel box at least `objectMargin` pixels from every other object's box;
/// if some object finds no room in 100 tries, the whole draw starts again.
public struct SceneSampler: Sendable {
    /// Side of the square image in pixels.
    public let side: Int
    /// Chance that an object after the first repeats attributes of an earlier one.
    public static let repeatProbability = 0.35
    /// Pixels kept free between the image edge and every shape.
    public static let border = 1

    /// A sampler for `side x side` scenes.
    public init(side: Int) {
        self.side = side
    }

    /// Empty pixels kept between the boxes of any two objects: `max(3, side / 16)` (4 at 64 pixels).
    public var objectMargin: Int { max(3, side / 16) }

    /// The objects of one scene. `allowed` (not empty) lists the pairs any object may take; `required`,
    /// if given, is the first object's pair whether or not it is allowed.
    public func placements(allowed: [ColorShapePair], required: ColorShapePair?, random: inout SeededRandom) -> [ShapePlacement] {
        precondition(!allowed.isEmpty, "a scene needs at least one allowed colour-shape pair")
        var attempt = 0
        while true {
            attempt += 1
            let count = attempt > 200 ? 1 : random.integer(in: 1...3)
            let kinds = chooseKinds(count: count, allowed: allowed, required: required, random: &random)
            if let placed = place(kinds, random: &random) { return placed }
        }
    }

    /// Colour-shape pairs and sizes for `count` objects.
    private func chooseKinds(count: Int, allowed: [ColorShapePair], required: ColorShapePair?,
                             random: inout SeededRandom) -> [(pair: ColorShapePair, size: ObjectSize)] {
        var kinds: [(pair: ColorShapePair, size: ObjectSize)] = []
        for index in 0..<count {
            let size = random.element(of: ObjectSize.allCases)
            if index == 0, let required {
                kinds.append((required, size))
                continue
            }
            var pair = random.element(of: allowed)
            if index > 0 && random.chance(Self.repeatProbability) {
                let model = kinds[random.integer(below: kinds.count)].pair
                let mode = random.integer(below: 3)
                let matching = allowed.filter { candidate in
                    (mode == 1 || candidate.color == model.color) && (mode == 0 || candidate.shape == model.shape)
                }
                if !matching.isEmpty { pair = random.element(of: matching) }
            }
            kinds.append((pair, size))
        }
        return kinds
    }

    /// Positions for the objects, or `nil` if one of them found no room.
    private func place(_ kinds: [(pair: ColorShapePair, size: ObjectSize)], random: inout SeededRandom) -> [ShapePlacement]? {
        let extents = kinds.map { Double(side) * random.uniform(in: $0.size.extentRange) }
        let order = kinds.indices.sorted { extents[$0] > extents[$1] || (extents[$0] == extents[$1] && $0 < $1) }
        var placed: [ShapePlacement?] = Array(repeating: nil, count: kinds.count)
        var boxes: [Box] = []
        for index in order {
            let half = extents[index] / 2
            let low = half + Double(Self.border), high = Double(side) - half - Double(Self.border)
            guard low < high else { return nil }
            var found = false
            for _ in 0..<100 {
                let geometry = ShapeGeometry(shape: kinds[index].pair.shape, centerX: random.uniform(in: low...high),
                                             centerY: random.uniform(in: low...high), halfExtent: half)
                let box = geometry.enclosingBox
                if boxes.allSatisfy({ $0.isSeparated(from: box, margin: objectMargin) }) {
                    placed[index] = ShapePlacement(geometry: geometry, color: kinds[index].pair.color, size: kinds[index].size)
                    boxes.append(box)
                    found = true
                    break
                }
            }
            if !found { return nil }
        }
        return placed.map { $0! }
    }
}
