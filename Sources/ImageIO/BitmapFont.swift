/// A built-in 5 x 7 pixel font for printable ASCII (32-126), Glimpse's own table, for labels on images.
///
/// Each glyph is 5 columns by 7 rows; characters advance 6 pixels (one blank column) and lines are 7 rows
/// tall. Lowercase letters sit on rows 2-6; g, j, p, q, y put their descender inside the 7 rows. Characters
/// outside printable ASCII are drawn as `?`. Everything scales by an integer `scale` (each font pixel a
/// `scale x scale` block).
public enum BitmapFont {
    /// Glyph width in font pixels.
    public static let glyphWidth = 5
    /// Glyph height in font pixels.
    public static let glyphHeight = 7
    /// Horizontal distance from one character to the next, in font pixels.
    public static let advance = 6

    /// The width in image pixels of `text` drawn at `scale`: `(advance * count - 1) * scale`, 0 for "".
    public static func width(of text: String, scale: Int = 1) -> Int {
        text.isEmpty ? 0 : (advance * text.count - 1) * scale
    }

    /// The 7 rows of `character`'s glyph, top first; bit `4 - x` of a row is column `x` (leftmost = 0x10).
    public static func rows(of character: Character) -> [UInt8] {
        guard let ascii = character.asciiValue, ascii >= 32, ascii <= 126 else { return glyphs[Int(UInt8(ascii: "?")) - 32] }
        return glyphs[Int(ascii) - 32]
    }

    /// Parsed `source`: 95 glyphs of 7 row bitmasks, for ASCII 32 ... 126 in order.
    private static let glyphs: [[UInt8]] = {
        var table = [[UInt8]](repeating: [], count: 95)
        for line in source.split(separator: "\n", omittingEmptySubsequences: true) {
            let character = line[line.startIndex]
            let rows = line.dropFirst(2).split(separator: " ").map { row in
                row.reduce(UInt8(0)) { bits, pixel in (bits << 1) | (pixel == "#" ? 1 : 0) }
            }
            precondition(rows.count == 7, "glyph '\(character)' needs 7 rows")
            table[Int(character.asciiValue!) - 32] = rows
        }
        precondition(table.allSatisfy { $0.count == 7 }, "every printable ASCII character needs a glyph")
        return table
    }()

    /// One line a glyph: the character, a space, then its 7 rows of 5 pixels (`#` on, `.` off), top first.
    private static let source = """
      ..... ..... ..... ..... ..... ..... .....
    ! ..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..
    " .#.#. .#.#. ..... ..... ..... ..... .....
    # .#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.
    $ ..#.. .#### #.#.. .###. ..#.# ####. ..#..
    % ##... ##..# ...#. ..#.. .#... #..## ...##
    & .##.. #..#. #.#.. .#... #.#.# #..#. .##.#
    ' ..#.. ..#.. ..... ..... ..... ..... .....
    ( ...#. ..#.. .#... .#... .#... ..#.. ...#.
    ) .#... ..#.. ...#. ...#. ...#. ..#.. .#...
    * ..... ..#.. #.#.# .###. #.#.# ..#.. .....
    + ..... ..#.. ..#.. ##### ..#.. ..#.. .....
    , ..... ..... ..... ..... .##.. ..#.. .#...
    - ..... ..... ..... ##### ..... ..... .....
    . ..... ..... ..... ..... ..... .##.. .##..
    / ..... ....# ...#. ..#.. .#... #.... .....
    0 .###. #...# #..## #.#.# ##..# #...# .###.
    1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.
    2 .###. #...# ....# ...#. ..#.. .#... #####
    3 ##### ...#. ..#.. ...#. ....# #...# .###.
    4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.
    5 ##### #.... ####. ....# ....# #...# .###.
    6 ..##. .#... #.... ####. #...# #...# .###.
    7 ##### ....# ...#. ..#.. .#... .#... .#...
    8 .###. #...# #...# .###. #...# #...# .###.
    9 .###. #...# #...# .#### ....# ...#. .##..
    : ..... .##.. .##.. ..... .##.. .##.. .....
    ; ..... .##.. .##.. ..... .##.. ..#.. .#...
    < ...#. ..#.. .#... #.... .#... ..#.. ...#.
    = ..... ..... ##### ..... ##### ..... .....
    > .#... ..#.. ...#. ....# ...#. ..#.. .#...
    ? .###. #...# ....# ...#. ..#.. ..... ..#..
    @ .###. #...# ....# .##.# #.#.# #.#.# .###.
    A .###. #...# #...# ##### #...# #...# #...#
    B ####. #...# #...# ####. #...# #...# ####.
    C .###. #...# #.... #.... #.... #...# .###.
    D ###.. #..#. #...# #...# #...# #..#. ###..
    E ##### #.... #.... ####. #.... #.... #####
    F ##### #.... #.... ####. #.... #.... #....
    G .###. #...# #.... #.### #...# #...# .####
    H #...# #...# #...# ##### #...# #...# #...#
    I .###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
    J ..### ...#. ...#. ...#. ...#. #..#. .##..
    K #...# #..#. #.#.. ##... #.#.. #..#. #...#
    L #.... #.... #.... #.... #.... #.... #####
    M #...# ##.## #.#.# #.#.# #...# #...# #...#
    N #...# #...# ##..# #.#.# #..## #...# #...#
    O .###. #...# #...# #...# #...# #...# .###.
    P ####. #...# #...# ####. #.... #.... #....
    Q .###. #...# #...# #...# #.#.# #..#. .##.#
    R ####. #...# #...# ####. #.#.. #..#. #...#
    S .#### #.... #.... .###. ....# ....# ####.
    T ##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
    U #...# #...# #...# #...# #...# #...# .###.
    V #...# #...# #...# #...# #...# .#.#. ..#..
    W #...# #...# #...# #.#.# #.#.# #.#.# .#.#.
    X #...# #...# .#.#. ..#.. .#.#. #...# #...#
    Y #...# #...# .#.#. ..#.. ..#.. ..#.. ..#..
    Z ##### ....# ...#. ..#.. .#... #.... #####
    [ .###. .#... .#... .#... .#... .#... .###.
    \\ ..... #.... .#... ..#.. ...#. ....# .....
    ] .###. ...#. ...#. ...#. ...#. ...#. .###.
    ^ ..#.. .#.#. #...# ..... ..... ..... .....
    _ ..... ..... ..... ..... ..... ..... #####
    ` .#... ..#.. ..... ..... ..... ..... .....
    a ..... ..... .###. ....# .#### #...# .####
    b #.... #.... #.##. ##..# #...# #...# ####.
    c ..... ..... .###. #.... #.... #...# .###.
    d ....# ....# .##.# #..## #...# #...# .####
    e ..... ..... .###. #...# ##### #.... .###.
    f ..##. .#..# .#... ###.. .#... .#... .#...
    g ..... ..... .#### #...# .#### ....# .###.
    h #.... #.... #.##. ##..# #...# #...# #...#
    i ..#.. ..... .##.. ..#.. ..#.. ..#.. .###.
    j ...#. ..... ..##. ...#. ...#. #..#. .##..
    k #.... #.... #..#. #.#.. ##... #.#.. #..#.
    l .##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
    m ..... ..... ##.#. #.#.# #.#.# #...# #...#
    n ..... ..... #.##. ##..# #...# #...# #...#
    o ..... ..... .###. #...# #...# #...# .###.
    p ..... ..... ####. #...# ####. #.... #....
    q ..... ..... .#### #...# .#### ....# ....#
    r ..... ..... #.##. ##..# #.... #.... #....
    s ..... ..... .###. #.... .###. ....# ####.
    t .#... .#... ###.. .#... .#... .#..# ..##.
    u ..... ..... #...# #...# #...# #..## .##.#
    v ..... ..... #...# #...# #...# .#.#. ..#..
    w ..... ..... #...# #...# #.#.# #.#.# .#.#.
    x ..... ..... #...# .#.#. ..#.. .#.#. #...#
    y ..... ..... #...# #...# .#### ....# .###.
    z ..... ..... ##### ...#. ..#.. .#... #####
    { ...## ..#.. ..#.. .#... ..#.. ..#.. ...##
    | ..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
    } ##... ..#.. ..#.. ...#. ..#.. ..#.. ##...
    ~ ..... ..... .#... #.#.# ...#. ..... .....
    """
}

extension Image {
    /// Draws `text` with `BitmapFont`, its top-left corner at `(x, y)`, each font pixel a `scale x scale`
    /// block of `color`. Only the glyphs' set pixels are painted; whatever falls outside the image is clipped.
    public mutating func drawText(_ text: String, x: Int, y: Int, color: RGBColor = .black, scale: Int = 1) {
        precondition(scale > 0, "text scale must be positive, not \(scale)")
        var left = x
        for character in text {
            let rows = BitmapFont.rows(of: character)
            for row in 0..<BitmapFont.glyphHeight {
                for column in 0..<BitmapFont.glyphWidth where rows[row] & (0x10 >> UInt8(column)) != 0 {
                    for dy in 0..<scale {
                        let py = y + row * scale + dy
                        guard py >= 0 && py < height else { continue }
                        for dx in 0..<scale {
                            let px = left + column * scale + dx
                            guard px >= 0 && px < width else { continue }
                            let offset = (py * width + px) * 3
                            pixels[offset] = color.red; pixels[offset + 1] = color.green; pixels[offset + 2] = color.blue
                        }
                    }
                }
            }
            left += BitmapFont.advance * scale
        }
    }
}
