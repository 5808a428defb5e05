import CaptionMetrics
import XCTest

/// The PTB-style tokenizer on punctuation, clitics and the other PTB3 conventions. The expected
/// tokens are those CoreNLP 3.4.1's rules give (worked out from its lexer rules, not by running Java).
final class PTBTokenizerTests: XCTestCase {
    private let tokenizer = PTBTokenizer()

    private func check(_ caption: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(tokenizer.tokenize(caption), expected.split(separator: " ").map(String.init),
                       caption, file: file, line: line)
    }

    func testPunctuationIsSplitOffAndRemoved() {
        check("A dog runs on the grass.", "a dog runs on the grass")
        check("Two men, a woman; and a dog: all running!", "two men a woman and a dog all running")
        check("Is this a cat?", "is this a cat")
        check("A man -- running - fast...", "a man running fast")
        check("Wait... what", "wait what")
        check("A sign that says \"STOP\".", "a sign that says stop")
        check("A 'quoted' word", "a quoted word")
        check("A dog \u{201C}smiling\u{201D} \u{2014} happily", "a dog smiling happily")
    }

    func testRawPTBTokensKeepThePunctuation() {
        XCTAssertEqual(tokenizer.ptbTokens("Hello, world."), ["Hello", ",", "world", "."])
        XCTAssertEqual(tokenizer.ptbTokens("He said \"hi\"."), ["He", "said", "``", "hi", "''", "."])
        XCTAssertEqual(tokenizer.ptbTokens("A (small) dog"), ["A", "-LRB-", "small", "-RRB-", "dog"])
        XCTAssertEqual(tokenizer.ptbTokens("one...two -- three"), ["one", "...", "two", "--", "three"])
    }

    func testContractions() {
        check("A man's dog isn't running.", "a man 's dog is n't running")
        check("They're sitting; we've got it, I'd say: it's fine, I'm sure we'll go",
              "they 're sitting we 've got it i 'd say it 's fine i 'm sure we 'll go")
        check("Don't, can't, won't, AREN'T", "do n't ca n't wo n't are n't")
        check("it\u{2019}s a dog\u{2019}s toy", "it 's a dog 's toy")
        check("The dogs' toys", "the dogs toys")
        check("at five o'clock", "at five o'clock")
        check("a cannot b", "a cannot b")
    }

    func testHyphensNumbersAndSlashes() {
        check("A well-known t-shirt on a 3-year-old", "a well-known t-shirt on a 3-year-old")
        check("3.5 inches, 1,000 people at 10:30", "3.5 inches 1,000 people at 10:30")
        check("black/white and 24/7", "black\\/white and 24\\/7")
        check("50% off for $5 #1", "50 % off for $ 5 # 1")
    }

    /// CoreNLP lowercases after escaping, so brackets survive as -lrb- (pycocoevalcap lists only "-LRB-").
    func testBracketsSurviveAsLowercaseEscapes() {
        check("A (small) dog [left] {x}", "a -lrb- small -rrb- dog -lsb- left -rsb- -lcb- x -rcb-")
    }

    func testAbbreviationsAndAcronymsKeepTheirPeriod() {
        check("Mr. Smith in the U.S. at 5 p.m. today.", "mr. smith in the u.s. at 5 p.m. today")
        check("Dogs, cats, etc.", "dogs cats etc.")
    }

    func testBritishSpellingsAreAmericanised() {
        check("A grey cat in a colourful centre", "a gray cat in a colorful center")
        check("The neighbours' favourite harbour", "the neighbors favorite harbor")
        check("A detour of four hours", "a detour of four hours")
        // The word list is case-sensitive: a capitalised "Grey" is not changed (then lowercased).
        check("Grey dog", "grey dog")
    }

    func testWhitespaceAndEmptyInput() {
        check("a dog\nruns\tfast  now", "a dog runs fast now")
        XCTAssertEqual(tokenizer.tokenize(""), [])
        XCTAssertEqual(tokenizer.tokenize(" ... !? "), [])
    }

    func testLowercaseTokenisedTextIsUnchanged() {
        let text = "a man riding a wave on top of a surfboard"
        XCTAssertEqual(tokenizer.tokenizedString(text), text)
    }

    func testAmericanSpellingRules() {
        XCTAssertEqual(AmericanSpelling.americanize("colours"), "colors")
        XCTAssertEqual(AmericanSpelling.americanize("behaviour"), "behavior")
        XCTAssertEqual(AmericanSpelling.americanize("contour"), "contour")
        XCTAssertEqual(AmericanSpelling.americanize("haemoglobin"), "hemoglobin")
        XCTAssertEqual(AmericanSpelling.americanize("programmes"), "programs")
        XCTAssertEqual(AmericanSpelling.americanize("your"), "your")
        XCTAssertEqual(AmericanSpelling.americanize("Colour"), "Colour")
    }
}

/// Arbitrary text never traps or hangs the tokenizer, and never yields empty tokens.
final class PTBTokenizerRobustnessTests: XCTestCase {
    func testRandomTextFromTrickyCharacters() {
        let pieces = ["a", "B", "n", "t", "'", "\u{2019}", "\"", "`", ".", "..", "-", "--", "/", "*", "&", "amp;", "(", ")",
                      "[", "}", "1", "9", ",", ":", "$", "#", "@", "_", " ", "\n", "\u{e9}", "\u{301}", "\u{1F600}",
                      "\u{2014}", "\u{2026}", "s", "re", "ll", "o", "U.S.", "etc", "|", "\\", "+", "%", "\u{0}"]
        var generator = SystemRandomNumberGenerator()
        let tokenizer = PTBTokenizer()
        for _ in 0..<3000 {
            let length = Int.random(in: 0...24, using: &generator)
            let text = (0..<length).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let tokens = tokenizer.ptbTokens(text)
            XCTAssertFalse(tokens.contains(""), "empty token for \(text.debugDescription)")
            XCTAssertFalse(tokens.contains { $0.contains(" ") }, "space inside a token for \(text.debugDescription)")
            _ = tokenizer.tokenize(text)
        }
    }
}
