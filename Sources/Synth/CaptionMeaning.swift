/// One part of a caption, joined to the others by "and".
public enum CaptionClause: Sendable, Hashable {
    /// "a red circle", "two blue shapes": the described objects exist (counts are exact).
    case mention(NounPhrase)
    /// "a red circle to the left of a blue square": both phrases are indefinite ("a").
    case relation(NounPhrase, SpatialRelation, NounPhrase)
    /// "a red circle on the left": the phrase is indefinite.
    case position(NounPhrase, AbsolutePosition)

    /// The noun phrases of the clause in word order.
    public var phrases: [NounPhrase] {
        switch self {
        case .mention(let phrase): [phrase]
        case .relation(let first, _, let second): [first, second]
        case .position(let phrase, _): [phrase]
        }
    }

    /// The clause's words.
    public var words: [String] {
        switch self {
        case .mention(let phrase): phrase.words
        case .relation(let first, let relation, let second): first.words + relation.words + second.words
        case .position(let phrase, let position): phrase.words + position.words
        }
    }
}

/// What a caption says, in the structure both the templates and the checker use.
///
/// Grammar (word order fixed, all lowercase, no punctuation):
/// ```
/// caption  := ["there" ("is" | "are")] clause ("and" clause)*
/// clause   := phrase | a-phrase relation a-phrase | a-phrase position
/// phrase   := ("a" | "one" | "two" | "three") [size] [colour] noun
/// relation := "to the left of" | "to the right of" | "above" | "below"
/// position := "on the left" | "on the right" | "at the top" | "at the bottom"
/// ```
/// "there is" comes before a singular first phrase, "there are" before a plural one.
/// Meaning: the "a" phrases of the whole caption name distinct objects that have the named attributes
/// and satisfy every relation and position (by `SpatialRules`); a numbered phrase says exactly that many
/// objects in the scene match it.
public struct CaptionMeaning: Sendable, Hashable {
    /// Whether the caption opens with "there is" / "there are".
    public var opensWithThere: Bool
    /// The clauses in order (at least one).
    public var clauses: [CaptionClause]

    /// A caption of `clauses`, optionally opening with "there is/are".
    public init(opensWithThere: Bool = false, clauses: [CaptionClause]) {
        self.opensWithThere = opensWithThere; self.clauses = clauses
    }

    /// Every noun phrase in word order.
    public var phrases: [NounPhrase] { clauses.flatMap(\.phrases) }

    /// The caption's words.
    public var words: [String] {
        var words: [String] = []
        if opensWithThere, let first = clauses.first?.phrases.first {
            words += ["there", first.isSingular ? "is" : "are"]
        }
        for (index, clause) in clauses.enumerated() {
            if index > 0 { words.append("and") }
            words += clause.words
        }
        return words
    }

    /// The caption as one line: the words joined by single spaces.
    public var text: String { words.joined(separator: " ") }
}
