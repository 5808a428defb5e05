/// British-to-American respelling of single words, as Stanford CoreNLP 3.4.1's `Americanize` does it
/// inside the PTB tokenizer (its `americanize` option is on by default there, so COCO's reference
/// tokenisation turns "grey" into "gray" and "colour" into "color").
///
/// Rules, applied to the word as written (case-sensitive, before any lowercasing):
///
///     |w| < 4                       -> w unchanged
///     w in the fixed word list      -> its American form ("grey" -> "gray", "centre" -> "center", ...)
///     |w| < 6                       -> w unchanged
///     first matching pattern wins:  haem(at)?o -> hem$1o;  aemia$ -> emia;  ([lL])eukaem -> $1eukem;
///                                   programme(s?)$ -> program$1;
///                                   ^([a-z]{3,})our(s?)$ -> $1or$2 unless an exception (contour, detour, ...) occurs in w
///
/// CoreNLP also capitalises month and day names first; that cannot change a lowercased token and is
/// left out.
public enum AmericanSpelling {
    /// The American form of `word` (the word itself when no rule applies).
    public static func americanize(_ word: String) -> String {
        let length = word.count
        guard length >= 4 else { return word }
        if let mapped = wordList[word] { return mapped }
        guard length >= 6 else { return word }
        if let replaced = replacingHaemato(word) { return replaced }
        if word.hasSuffix("aemia") { return String(word.dropLast(5)) + "emia" }
        if let replaced = replacingLeukaem(word) { return replaced }
        if word.hasSuffix("programmes") { return String(word.dropLast(3)) + "s" }
        if word.hasSuffix("programme") { return String(word.dropLast(2)) }
        if let replaced = replacingOur(word) { return replaced }
        return word
    }

    /// haem(at)?o -> hem$1o, every occurrence.
    private static func replacingHaemato(_ word: String) -> String? {
        guard word.contains("haem") else { return nil }
        var result = ""
        var rest = Substring(word)
        var changed = false
        while let range = rest.range(of: "haem") {
            result += rest[rest.startIndex..<range.lowerBound]
            let after = rest[range.upperBound...]
            if after.hasPrefix("ato") {
                result += "hemato"
                rest = after.dropFirst(3)
                changed = true
            } else if after.hasPrefix("o") {
                result += "hemo"
                rest = after.dropFirst(1)
                changed = true
            } else {
                result += "haem"
                rest = after
            }
        }
        return changed ? result + rest : nil
    }

    /// ([lL])eukaem -> $1eukem, every occurrence.
    private static func replacingLeukaem(_ word: String) -> String? {
        guard word.contains("eukaem") else { return nil }
        let replaced = word.replacingOccurrences(of: "leukaem", with: "leukem")
            .replacingOccurrences(of: "Leukaem", with: "Leukem")
        return replaced == word ? nil : replaced
    }

    /// ^([a-z]{3,})our(s?)$ -> $1or$2 unless the word contains one of the exceptions.
    private static func replacingOur(_ word: String) -> String? {
        guard word.unicodeScalars.allSatisfy({ $0.value >= 97 && $0.value <= 122 }) else { return nil }
        let plural = word.hasSuffix("ours")
        let stem = plural ? word.dropLast(4) : (word.hasSuffix("our") ? word.dropLast(3) : nil)
        guard let stem, stem.count >= 3 else { return nil }
        guard !ourExceptions.contains(where: { word.contains($0) }) else { return nil }
        return stem + (plural ? "ors" : "or")
    }

    /// Words ending in "our" that stay as they are (CoreNLP's list; "de[tv]our" spelled out).
    private static let ourExceptions = [
        "abatjour", "beflour", "bonjour", "calambour", "carrefour", "cornflour", "contour", "detour",
        "devour", "dortour", "dyvour", "downpour", "giaour", "glamour", "holour", "inpour", "outpour",
        "pandour", "paramour", "pompadour", "recontour", "repour", "ryeflour", "sompnour", "tambour",
        "troubadour", "tregetour", "velour",
    ]

    /// CoreNLP 3.4.1's fixed British -> American word list.
    static let wordList: [String: String] = {
        let pairs: [(String, String)] = [
            ("anaesthetic", "anesthetic"), ("analogue", "analog"), ("analogues", "analogs"), ("analyse", "analyze"),
            ("analysed", "analyzed"), ("analysing", "analyzing"), ("armoured", "armored"), ("cancelled", "canceled"),
            ("cancelling", "canceling"), ("candour", "candor"), ("capitalise", "capitalize"),
            ("capitalised", "capitalized"), ("capitalisation", "capitalization"), ("centre", "center"),
            ("chimaeric", "chimeric"), ("clamour", "clamor"), ("coloured", "colored"), ("colouring", "coloring"),
            ("colourful", "colorful"), ("defence", "defense"), ("Defence", "Defense"), ("discolour", "discolor"),
            ("discolours", "discolors"), ("discoloured", "discolored"), ("discolouring", "discoloring"),
            ("encyclopaedia", "encyclopedia"), ("endeavour", "endeavor"), ("endeavours", "endeavors"),
            ("endeavoured", "endeavored"), ("endeavouring", "endeavoring"), ("fervour", "fervor"), ("favour", "favor"),
            ("favours", "favors"), ("favoured", "favored"), ("favouring", "favoring"), ("favourite", "favorite"),
            ("favourites", "favorites"), ("fibre", "fiber"), ("fibres", "fibers"), ("finalise", "finalize"),
            ("finalised", "finalized"), ("finalising", "finalizing"), ("flavour", "flavor"), ("flavours", "flavors"),
            ("flavoured", "flavored"), ("flavouring", "flavoring"), ("grey", "gray"),
            ("harbour", "harbor"), ("harbours", "harbors"), ("homologue", "homolog"), ("homologues", "homologs"),
            ("honour", "honor"), ("honours", "honors"), ("honoured", "honored"), ("honouring", "honoring"),
            ("honourable", "honorable"), ("humour", "humor"), ("humours", "humors"), ("humoured", "humored"),
            ("humouring", "humoring"), ("kerb", "curb"), ("labelled", "labeled"), ("labelling", "labeling"),
            ("labour", "labor"), ("Labour", "Labor"), ("labours", "labors"), ("laboured", "labored"),
            ("labouring", "laboring"), ("leant", "leaned"), ("learnt", "learned"), ("localise", "localize"),
            ("localised", "localized"), ("manoeuvre", "maneuver"), ("manoeuvres", "maneuvers"),
            ("maximise", "maximize"), ("maximised", "maximized"), ("maximising", "maximizing"), ("meagre", "meager"),
            ("minimise", "minimize"), ("minimised", "minimized"), ("minimising", "minimizing"),
            ("modernise", "modernize"), ("modernised", "modernized"), ("modernising", "modernizing"),
            ("misdemeanour", "misdemeanor"), ("misdemeanours", "misdemeanors"), ("neighbour", "neighbor"),
            ("neighbours", "neighbors"), ("neighbourhood", "neighborhood"), ("neighbourhoods", "neighborhoods"),
            ("oestrogen", "estrogen"), ("oestrogens", "estrogens"), ("organisation", "organization"),
            ("organisations", "organizations"), ("penalise", "penalize"), ("penalised", "penalized"),
            ("popularise", "popularize"), ("popularised", "popularized"), ("popularises", "popularizes"),
            ("popularising", "popularizing"), ("practise", "practice"), ("practised", "practiced"),
            ("pressurise", "pressurize"), ("pressurised", "pressurized"), ("pressurises", "pressurizes"),
            ("pressurising", "pressurizing"), ("realise", "realize"), ("realised", "realized"),
            ("realising", "realizing"), ("realises", "realizes"), ("recognise", "recognize"),
            ("recognised", "recognized"), ("recognising", "recognizing"), ("recognises", "recognizes"),
            ("rumoured", "rumored"), ("rumouring", "rumoring"), ("savour", "savor"), ("savours", "savors"),
            ("savoured", "savored"), ("savouring", "savoring"), ("splendour", "splendor"),
            ("splendours", "splendors"), ("theatre", "theater"), ("theatres", "theaters"), ("titre", "titer"),
            ("titres", "titers"), ("travelled", "traveled"), ("travelling", "traveling"),
        ]
        return Dictionary(uniqueKeysWithValues: pairs)
    }()
}
