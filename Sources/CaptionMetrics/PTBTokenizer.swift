/// The caption tokenisation of the COCO caption evaluation (pycocoevalcap's `PTBTokenizer`),
/// approximated in Swift.
///
/// pycocoevalcap runs Stanford CoreNLP 3.4.1's `PTBTokenizer -preserveLines -lowerCase` (Java) on
/// every caption and then drops the tokens in `removedTokens`. This type reproduces that for plain
/// English captions without Java:
///
///     tokens(caption) = [ lowercase(t) for t in ptbTokens(caption) if lowercase(t) not in removedTokens ]
///
/// `ptbTokens` follows CoreNLP 3.4.1's default (PTB3) rules: punctuation split off; clitics split as
/// "it's" -> it 's, "don't" -> do n't, "can't" -> ca n't, "we're" -> we 're ('m 'd 've 'll too);
/// hyphenated words ("t-shirt", "3-year-old") and numbers ("3.5", "1,000") kept whole; quotes
/// become `` '' ` '; brackets become -LRB- -RRB- -LSB- -RSB- -LCB- -RCB-; dashes "--"; ellipses
/// "..."; "/" and "*" escaped as "\/" and "\*"; common British spellings americanised ("grey" ->
/// "gray", "colour" -> "color"); periods kept on abbreviations and acronyms ("mr.", "u.s.", "etc.").
///
/// A faithful quirk: CoreNLP lowercases *after* escaping, so "(" becomes "-lrb-", which is not in
/// pycocoevalcap's list (it lists "-LRB-"), and so it stays in COCO's tokenised captions; so does it here.
///
/// Known differences from the Java lexer (none matter for typical captions): URLs, e-mail addresses,
/// SGML tags, phone numbers, fractions, currency normalisation and most non-ASCII symbols are not
/// recognised (unknown symbols are dropped, as CoreNLP drops untokenisable characters); "?!" style
/// runs are split into single marks; the sentence-final duplicate period after an abbreviation is
/// not produced (it would be removed anyway); month/day capitalisation is skipped (invisible after
/// lowercasing); Java's and Swift's Unicode lowercasing may differ for a few non-English letters.
public struct PTBTokenizer: Sendable {
    /// The tokens pycocoevalcap removes after tokenising:
    /// '' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;
    public static let removedTokens: Set<String> = [
        "''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-",
        ".", "?", "!", ",", ":", "-", "--", "...", ";",
    ]

    /// A tokenizer with CoreNLP 3.4.1's default options.
    public init() {}

    /// The evaluation tokens of `caption`: PTB tokens, lowercased, without `removedTokens`.
    public func tokenize(_ caption: String) -> [String] {
        ptbTokens(caption).map { $0.lowercased() }.filter { !Self.removedTokens.contains($0) }
    }

    /// The evaluation tokens of `caption` joined by single spaces (pycocoevalcap's tokenised string).
    public func tokenizedString(_ caption: String) -> String {
        tokenize(caption).joined(separator: " ")
    }

    /// The PTB tokens of `text`, before lowercasing and punctuation removal.
    public func ptbTokens(_ text: String) -> [String] {
        var lexer = PTBLexer(text: text)
        return lexer.tokens()
    }
}
