/// The abbreviations after which Stanford's PTB lexer (CoreNLP 3.4.1) keeps the period inside the
/// token ("Mr." stays "Mr.", "etc." stays "etc."); matched case-insensitively, as the lexer is caseless.
///
/// Groups, as in the lexer: months, days, US states, company words, number words, person suffixes,
/// "etc", "ft" (its ABBREV1), and titles plus "vs", "Alex", "Cie", "TREAS" (its ABBREV2). A single
/// letter followed by a period ("A.") and acronyms ("U.S.", "e.g.") keep their period too; those are
/// recognised by shape, not listed here.
enum PTBAbbreviations {
    /// Lowercased abbreviations (without their period).
    static let words: Set<String> = [
        // months and days
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "mon", "tue", "tues", "wed", "thu", "thurs", "fri",
        // states
        "calif", "mass", "conn", "fla", "ill", "mich", "pa", "va", "ariz", "tenn", "mo", "md", "wis",
        "minn", "ind", "okla", "wash", "kan", "ore", "ga", "colo", "ky", "del", "ala", "la", "nev", "neb",
        "ark", "miss", "vt", "wyo", "tex",
        // companies, numbers, person suffixes, etc.
        "inc", "co", "cos", "corp", "pty", "ltd", "plc", "bancorp", "dept", "mfg", "bhd", "assn",
        "no", "nos", "prop", "ph", "jr", "bros", "sr", "etc", "ft",
        // titles and the rest of ABBREV2
        "mr", "mrs", "ms", "dr", "drs", "prof", "profs", "sen", "sens", "rep", "reps", "lt", "col", "gen",
        "messrs", "gov", "govs", "adm", "rev", "maj", "sgt", "pvt", "mt", "capt", "st", "ave", "pres",
        "vs", "alex", "cie", "treas",
    ]
}
