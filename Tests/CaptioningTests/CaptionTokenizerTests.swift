import Captioning
import XCTest

/// Karpathy-style tokenisation: lowercase, non-letters and non-digits separate, split on space.
final class CaptionTokenizerTests: XCTestCase {
    let tokenizer = CaptionTokenizer()

    func testLowercasesAndStripsPunctuation() {
        XCTAssertEqual(tokenizer.tokenize("A Black dog is running after a white dog in the snow ."),
                       ["a", "black", "dog", "is", "running", "after", "a", "white", "dog", "in", "the", "snow"])
        XCTAssertEqual(tokenizer.tokenize("Hello, World! (Really?) \"Yes\"; ok: #1 & done."),
                       ["hello", "world", "really", "yes", "ok", "1", "done"])
    }

    func testPunctuationSeparatesWordsAsInKarpathysTokens() {
        XCTAssertEqual(tokenizer.tokenize("A boy in a red t-shirt on a merry-go-round"),
                       ["a", "boy", "in", "a", "red", "t", "shirt", "on", "a", "merry", "go", "round"])
        XCTAssertEqual(tokenizer.tokenize("The dog's ball"), ["the", "dog", "s", "ball"])
    }

    func testWhiteSpaceOfAnyKind() {
        XCTAssertEqual(tokenizer.tokenize("  two\tdogs\r\nplay  "), ["two", "dogs", "play"])
        XCTAssertEqual(tokenizer.tokenize(""), [])
        XCTAssertEqual(tokenizer.tokenize(" . , ! "), [])
    }

    func testNumbersAreKept() {
        XCTAssertEqual(tokenizer.tokenize("3 dogs and 12 cats"), ["3", "dogs", "and", "12", "cats"])
        XCTAssertEqual(tokenizer.tokenize("Player 23 scores 3.5 points"), ["player", "23", "scores", "3", "5", "points"])
    }

    func testUnicodeLettersAreKeptAndLowercased() {
        XCTAssertEqual(tokenizer.tokenize("A man in a Café reads « Le Monde »."), ["a", "man", "in", "a", "café", "reads", "le", "monde"])
        XCTAssertEqual(tokenizer.tokenize("ÜBER naïve Straße"), ["über", "naïve", "straße"])
        XCTAssertEqual(tokenizer.tokenize("Собака бежит — быстро!"), ["собака", "бежит", "быстро"])
        XCTAssertEqual(tokenizer.tokenize("犬が走る。"), ["犬が走る"], "no spaces, no split: scripts without spaces stay one token")
        // A decomposed é (e + combining acute) stays one letter of the word.
        XCTAssertEqual(tokenizer.tokenize("cafe\u{301} au lait"), ["cafe\u{301}", "au", "lait"])
        XCTAssertEqual(tokenizer.tokenize("a dog 🐶 runs"), ["a", "dog", "runs"], "emoji are dropped")
    }

    func testASCIIAndUnicodePathsAgree() {
        // The same ASCII sentence with one non-ASCII character appended takes the general path.
        let sentence = "A Dog's T-shirt, 2 Kids & 3.5 Balls!"
        XCTAssertEqual(tokenizer.tokenize(sentence + " é"), tokenizer.tokenize(sentence) + ["é"])
    }
}
