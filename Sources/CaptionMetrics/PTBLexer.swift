/// A hand-written scanner that approximates Stanford CoreNLP 3.4.1's `PTBLexer` (JFlex, PTB3
/// defaults) on plain English text; used by `PTBTokenizer`. It returns tokens before lowercasing.
///
/// At each position, after skipping white space, the first rule that applies produces one or more
/// tokens:
///
///     letter or digit       a word: letters/digits joined by "-" or "_" + alnum (t-shirt), "." between
///                           digits or single letters (3.5, u.s), "," or ":" between digits (1,000;
///                           10:30), "/" + alnum (and/or -> and\/or), "&" between capitals (AT&T);
///                           then clitics split (it 's, do n't, ca n't), O'clock-like words joined,
///                           a period kept on abbreviations/acronyms/single letters, British
///                           spellings americanised (plain letter words only)
///     " “ ”                 `` before a letter, digit or $ (and for “), else ''
///     ' ’ ` ‘               a clitic ('s 'm 'd 're 've 'll) before a non-letter, '90 / 'em / 'till /
///                           'cause / 'n', `` or '' for doubled marks, ` before a letter, else '
///     ( ) [ ] { }           -LRB- -RRB- -LSB- -RSB- -LCB- -RCB-
///     - run                 "-", "--" for 2 to 4, the run itself for more; "-" before a digit signs a number
///     . run                 "..." for 3 to 5 dots, "." otherwise; "." before a digit starts a number
///     … — – ? ! , ; :       "...", "--", "--", and the mark itself
///     / * & $ % # @ + = ...  "\/", "\*" (each star), "&" (also for "&amp;"), the symbol itself
///     | \ and unknown       dropped
struct PTBLexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var output: [String] = []

    init(text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// Runs the scanner over the whole text.
    mutating func tokens() -> [String] {
        position = 0
        output = []
        while position < scalars.count {
            let character = scalars[position]
            if Self.isSpace(character) {
                position += 1
            } else if Self.isAlphanumeric(character) {
                scanWord(from: position)
            } else {
                scanSymbol(character)
            }
        }
        return output
    }

    // MARK: - character classes

    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        if c.properties.isAlphabetic { return true }
        switch c.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c.properties.numericType == .decimal }

    static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool { isLetter(c) || isDigit(c) }

    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c.properties.isWhitespace || c == "\u{200B}" || c == "\u{FEFF}"
    }

    static func isApostrophe(_ c: Unicode.Scalar) -> Bool { c == "'" || c == "\u{2019}" || c == "\u{0092}" }

    private static func isASCIIUppercase(_ c: Unicode.Scalar) -> Bool { c.value >= 65 && c.value <= 90 }

    private static func isVowel(_ c: Unicode.Scalar) -> Bool { "aeiouAEIOU".unicodeScalars.contains(c) }

    private func scalar(at index: Int) -> Unicode.Scalar? {
        index >= 0 && index < scalars.count ? scalars[index] : nil
    }

    private func text(_ range: Range<Int>) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[range])
        return String(result)
    }

    /// The index just past the run of characters from `index` that satisfy `predicate`.
    private func endOfRun(from index: Int, where predicate: (Unicode.Scalar) -> Bool) -> Int {
        var end = index
        while end < scalars.count && predicate(scalars[end]) { end += 1 }
        return end
    }

    // MARK: - words

    /// The length of a clitic ('s 'm 'd 're 've 'll, letters only) starting right after an
    /// apostrophe at `index`, when a non-letter or the end follows it; nil otherwise.
    private func cliticLength(afterApostropheAt index: Int) -> Int? {
        for clitic in ["s", "m", "d", "re", "ve", "ll"] {
            let letters = Array(clitic.unicodeScalars)
            var matches = true
            for (offset, letter) in letters.enumerated() {
                guard let c = scalar(at: index + 1 + offset),
                      String(c).lowercased() == String(letter) else { matches = false; break }
            }
            guard matches else { continue }
            if let next = scalar(at: index + 1 + letters.count), Self.isLetter(next) { continue }
            return letters.count
        }
        return nil
    }

    /// Scans a word-like token starting at `start` (a letter, a digit, or a sign before a digit).
    private mutating func scanWord(from start: Int) {
        var end = start
        if scalars[end] == "-" || scalars[end] == "+" || scalars[end] == "." { end += 1 }
        if start < end && scalars[start] == "." {
            end = endOfRun(from: end, where: Self.isDigit)
        } else {
            end = endOfRun(from: end, where: Self.isAlphanumeric)
        }
        var segmentStart = start
        extend: while let connector = scalar(at: end), let next = scalar(at: end + 1) {
            let segment = scalars[segmentStart..<end]
            let segmentIsDigits = !segment.isEmpty && segment.allSatisfy(Self.isDigit)
            switch connector {
            case "-" where Self.isAlphanumeric(next), "_" where Self.isAlphanumeric(next):
                end = endOfRun(from: end + 1, where: Self.isAlphanumeric)
                segmentStart = end
            case "." where segmentIsDigits && Self.isDigit(next):
                segmentStart = end + 1
                end = endOfRun(from: end + 1, where: Self.isDigit)
            case "." where segment.count == 1 && Self.isLetter(segment.first!) && Self.isLetter(next)
                && !(scalar(at: end + 2).map(Self.isAlphanumeric) ?? false):
                segmentStart = end + 1
                end += 2
            case "," where segmentIsDigits && Self.isDigit(next), ":" where segmentIsDigits && Self.isDigit(next):
                segmentStart = end + 1
                end = endOfRun(from: end + 1, where: Self.isDigit)
            case "/" where Self.isAlphanumeric(next):
                segmentStart = end + 1
                end = endOfRun(from: end + 1, where: Self.isAlphanumeric)
            case "&" where Self.isASCIIUppercase(next) && scalars[start..<end].allSatisfy(Self.isASCIIUppercase):
                segmentStart = end + 1
                end = endOfRun(from: end + 1, where: Self.isASCIIUppercase)
            default:
                break extend
            }
        }
        let word = scalars[start..<end]
        let isPlainWord = word.allSatisfy(Self.isLetter)

        if let following = scalar(at: end), Self.isApostrophe(following) {
            if cliticLength(afterApostropheAt: end) != nil {
                emitWord(start..<end, americanize: false)
                position = end  // the clitic is scanned next as a quote-led token
                return
            }
            // n't: a letter word ending in n (the letter before it not an n), then 't and a non-letter.
            if isPlainWord, let last = word.last, last == "n" || last == "N",
               let t = scalar(at: end + 1), t == "t" || t == "T",
               !(scalar(at: end + 2).map(Self.isLetter) ?? false) {
                let stem = word.dropLast()
                if stem.isEmpty || !(stem.last == "n" || stem.last == "N") {
                    if !stem.isEmpty { emitWord(start..<(end - 1), americanize: false) }
                    output.append(String(last) + "'" + String(t))
                    position = end + 2
                    return
                }
            }
            if let joined = apostropheWordEnd(wordStart: start, wordEnd: end) {
                output.append(text(start..<joined).replacingOccurrences(of: "\u{2019}", with: "'"))
                position = joined
                return
            }
        }

        if let following = scalar(at: end), following == "." {
            let lowered = text(start..<end).lowercased()
            let isAcronym = word.contains(".") && !word.allSatisfy { Self.isDigit($0) || $0 == "." }
            let isSingleLetter = word.count == 1 && Self.isLetter(word.first!)
            let beforeInSentencePunctuation = scalar(at: end + 1).map { [",", ";", ":"].contains($0) } ?? false
            if isAcronym || isSingleLetter || PTBAbbreviations.words.contains(lowered)
                || (isPlainWord && beforeInSentencePunctuation) {
                output.append(text(start..<end) + ".")
                position = end + 1
                return
            }
        }
        emitWord(start..<end, americanize: isPlainWord)
        position = end
    }

    /// Where a word joined across an apostrophe ends (o'clock, O'Neil, d'Arc, C'mon, Shi'ite,
    /// somethin', ol'), or nil when the apostrophe is not part of the word.
    private func apostropheWordEnd(wordStart: Int, wordEnd: Int) -> Int? {
        let word = scalars[wordStart..<wordEnd]
        let lowered = text(wordStart..<wordEnd).lowercased()
        let after = wordEnd + 1
        if ["somethin", "ol", "dunkin", "nothin"].contains(lowered),
           !(scalar(at: after).map(Self.isAlphanumeric) ?? false) {
            return after
        }
        guard let next = scalar(at: after), Self.isLetter(next) else { return nil }
        let letterRunEnd = endOfRun(from: after, where: Self.isLetter)
        if word.count == 1, "dDoOlLcC".unicodeScalars.contains(word.first!) {
            var end = letterRunEnd
            while scalar(at: end) == "-", let c = scalar(at: end + 1), Self.isAlphanumeric(c) {
                end = endOfRun(from: end + 1, where: Self.isAlphanumeric)
            }
            return end
        }
        if word.allSatisfy(Self.isLetter), let last = word.last, Self.isVowel(last), Self.isVowel(next) {
            return letterRunEnd
        }
        return nil
    }

    private mutating func emitWord(_ range: Range<Int>, americanize: Bool) {
        var word = text(range)
        if americanize { word = AmericanSpelling.americanize(word) }
        if word.contains("/") { word = word.replacingOccurrences(of: "/", with: "\\/") }
        output.append(word)
    }

    // MARK: - punctuation and symbols

    private mutating func scanSymbol(_ character: Unicode.Scalar) {
        let next = scalar(at: position + 1)
        switch character {
        case "\"", "\u{0093}", "\u{0094}", "\u{201E}", "\u{00AB}", "\u{00BB}":
            if character == "\"", let next, Self.isAlphanumeric(next) || next == "$" {
                output.append("``")
            } else {
                output.append(character == "\u{00AB}" ? "``" : "''")
            }
            position += 1
        case "\u{201C}":
            output.append("``")
            position += 1
        case "\u{201D}":
            output.append("''")
            position += 1
        case "'", "\u{2019}", "\u{0092}", "`", "\u{2018}", "\u{201B}", "\u{0091}":
            scanQuote(character)
        case "(": emitSymbol("-LRB-")
        case ")": emitSymbol("-RRB-")
        case "[": emitSymbol("-LSB-")
        case "]": emitSymbol("-RSB-")
        case "{": emitSymbol("-LCB-")
        case "}": emitSymbol("-RCB-")
        case "-", "+":
            if let next, Self.isDigit(next), previousIsBoundary() {
                scanWord(from: position)
            } else if character == "+" {
                emitSymbol("+")
            } else {
                let end = endOfRun(from: position) { $0 == "-" }
                let count = end - position
                output.append(count == 1 ? "-" : (count <= 4 ? "--" : text(position..<end)))
                position = end
            }
        case ".":
            if let next, Self.isDigit(next), previousIsBoundary() {
                scanWord(from: position)
            } else {
                scanDots()
            }
        case "\u{2026}", "\u{0085}": emitSymbol("...")
        case "\u{2013}", "\u{2014}", "\u{2015}", "\u{0096}", "\u{0097}": emitSymbol("--")
        case "?", "!", ",", ";", ":", "$", "%", "=", "~", "^", "<", ">":
            emitSymbol(String(character))
        case "&":
            if text(position..<min(scalars.count, position + 5)).lowercased() == "&amp;" {
                output.append("&")
                position += 5
            } else {
                emitSymbol("&")
            }
        case "/": emitSymbol("\\/")
        case "*":
            let end = endOfRun(from: position) { $0 == "*" }
            output.append(String(repeating: "\\*", count: end - position))
            position = end
        case "#", "@", "_":
            let end = endOfRun(from: position) { $0 == character }
            output.append(text(position..<end))
            position = end
        default:
            position += 1  // "|", "\", control characters and symbols the lexer does not know: dropped
        }
    }

    private mutating func emitSymbol(_ token: String) {
        output.append(token)
        position += 1
    }

    /// Whether the character before `position` ends a token boundary (start, space or opening bracket).
    private func previousIsBoundary() -> Bool {
        guard let previous = scalar(at: position - 1) else { return true }
        return Self.isSpace(previous) || "([{\"".unicodeScalars.contains(previous)
    }

    /// A run of periods: "..." for each 3 to 5 of them, "." for the rest.
    private mutating func scanDots() {
        var remaining = endOfRun(from: position) { $0 == "." } - position
        position += remaining
        while remaining > 0 {
            if remaining >= 3 {
                output.append("...")
                remaining -= min(5, remaining)
            } else {
                output.append(".")
                remaining -= 1
            }
        }
    }

    /// A quote-like character: clitics, a few apostrophe words, doubled quotes, single quotes.
    private mutating func scanQuote(_ character: Unicode.Scalar) {
        let next = scalar(at: position + 1)
        if character == "`" {
            let doubled = next == "`"
            output.append(doubled ? "``" : "`")
            position += doubled ? 2 : 1
            return
        }
        if !Self.isApostrophe(character) {  // ‘ and other opening single quotes
            emitSymbol("`")
            return
        }
        if let next, Self.isApostrophe(next) {
            output.append("''")
            position += 2
            return
        }
        if let length = cliticLength(afterApostropheAt: position) {
            output.append("'" + text((position + 1)..<(position + 1 + length)))
            position += 1 + length
            return
        }
        if let length = apostropheLedWordLength() {
            output.append("'" + text((position + 1)..<(position + length)))
            position += length
            return
        }
        if let next, Self.isLetter(next) {
            emitSymbol("`")
        } else {
            emitSymbol("'")
        }
    }

    /// The length (apostrophe included) of 'n', 'n, '90s, '90, 'em, 'till, 'til, 'cause at `position`.
    private func apostropheLedWordLength() -> Int? {
        let letterEnd = endOfRun(from: position + 1, where: Self.isAlphanumeric)
        let body = text((position + 1)..<letterEnd).lowercased()
        let followedByLetter = scalar(at: letterEnd).map(Self.isLetter) ?? false
        guard !followedByLetter else { return nil }
        if body == "n" {
            if let closing = scalar(at: letterEnd), Self.isApostrophe(closing) { return letterEnd + 1 - position }
            return letterEnd - position
        }
        if ["em", "till", "til", "cause", "tis", "twas"].contains(body) { return letterEnd - position }
        let digits = Array(body.unicodeScalars)
        if digits.count == 2 || (digits.count == 3 && digits[2] == "s"),
           Self.isDigit(digits[0]), Self.isDigit(digits[1]) {
            return letterEnd - position
        }
        return nil
    }
}
