/// Every word a synthetic caption can contain (the templates and the checker's grammar use only these).
public enum CaptionVocabulary {
    /// The words, sorted: determiners and numbers, sizes, colours, shape nouns (singular and plural,
    /// with the generic "shape"), the relation and position words, "there", "is", "are" and "and".
    public static let words: [String] = {
        var words: Set<String> = ["a", "there", "is", "are", "and", "shape", "shapes"]
        words.formUnion(NounPhrase.numberWords.dropFirst())
        words.formUnion(ObjectSize.allCases.map(\.word))
        words.formUnion(ObjectColor.allCases.map(\.word))
        words.formUnion(ShapeKind.allCases.map(\.word))
        words.formUnion(ShapeKind.allCases.map(\.pluralWord))
        words.formUnion(SpatialRelation.allCases.flatMap(\.words))
        words.formUnion(AbsolutePosition.allCases.flatMap(\.words))
        return words.sorted()
    }()
}
