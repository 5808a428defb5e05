import ArgumentParser
import Captioning
import FileOutput
import Foundation
import ImageIO
import NN

/// `glimpse attention IMAGE --out DIR`: where the model looked for each word.
struct AttentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "attention",
        abstract: "Caption an image and write one attention overlay per word, a grid, and the raw weights.")

    @Argument(help: "Image file.")
    var image: String

    @Option(help: "Output folder.")
    var out: String

    @OptionGroup var model: CaptionModelOption
    @OptionGroup var decoding: DecodingOptions

    @Option(name: .customLong("panel-size"), help: "Side of each overlay panel in pixels.")
    var panelSize = 192

    func validate() throws {
        guard panelSize >= 16 else { throw ValidationError("--panel-size must be at least 16 pixels") }
    }

    func run() throws {
        let (captioner, vocabulary, _) = try model.load()
        let preprocessor = ImagePreprocessor(configuration: captioner.configuration)
        let square = try preprocessor.squareImage(contentsOf: image)
        let features = withoutGradient { captioner.encoder(preprocessor.tensor(for: square)) }
        let decoder = CaptionDecoder(model: captioner, startToken: Int32(Vocabulary.startID), endToken: Int32(Vocabulary.endID))
        let caption = decoder.beamSearch(features: features, beamSize: decoding.beam, maximumLength: decoding.maximumLength,
                                         lengthNormalized: decoding.lengthNormalized)[0]
        let words = caption.tokens.map { vocabulary.word(forID: Int($0)) ?? "?" }
        let grid = captioner.configuration.imageSize / 8
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let shown = (try? ImageDecoder().decode(contentsOf: image)).map { $0.squashed(to: panelSize) } ?? square.squashed(to: panelSize)
        var maps: [AttentionMap] = []
        for (t, (word, alpha)) in zip(words, caption.alphas).enumerated() {
            let map = AttentionMap(width: grid, height: grid, values: alpha)
            maps.append(map)
            let safe = word.filter { $0.isLetter || $0.isNumber || $0 == "_" }
            try shown.overlaying(attention: map).write(to: out + String(format: "/%02d_%@.png", t, safe.isEmpty ? "token" : safe))
        }
        try AttentionGrid.render(image: shown, words: words, maps: maps, columns: 5, labelScale: 2).write(to: out + "/grid.png")
        let record: [String: Any] = ["image": image, "caption": vocabulary.decode(caption.tokens.map(Int.init)).joined(separator: " "),
                                     "tokens": words, "grid": [grid, grid],
                                     "alphas": caption.alphas.map { a in (0..<grid).map { Array(a[($0 * grid)..<(($0 + 1) * grid)]) } },
                                     "log_probability": caption.logProbability]
        try AtomicFile.write(bytes: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), to: out + "/alphas.json")
        print(vocabulary.decode(caption.tokens.map(Int.init)).joined(separator: " "))
        print("wrote \(words.count) overlays, grid.png and alphas.json to \(out)")
    }
}
