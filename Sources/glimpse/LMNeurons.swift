import ArgumentParser
import Foundation
import LanguageModeling
import NN

/// `glimpse lm neurons`: what single hidden units respond to.
struct LMNeurons: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "neurons", abstract: "Show hidden-unit activations over a text as HTML and PNG.")

    @OptionGroup var model: ModelOption

    @Option(help: "Text file to run through the model.")
    var text: String

    @Option(help: "Output HTML file (a PNG is written beside it).")
    var out: String

    @Option(help: "Comma-separated unit indices (default: the most selective units).")
    var units: String?

    @Option(help: "How many units to pick when --units is not given.")
    var count = 8

    @Option(help: "Layer to read (0-based; default: the top layer).")
    var layer: Int?

    @Option(name: .customLong("max-chars"), help: "Read at most this many characters of the text.")
    var maxCharacters = 2000

    func validate() throws {
        guard maxCharacters >= 1, count >= 1 else { throw ValidationError("--max-chars and --count must be at least 1") }
        if let layer, layer < 0 { throw ValidationError("--layer must not be negative") }
    }

    func run() throws {
        let (lm, vocabulary) = try ModelFolder(try model.resolve()).loadLanguageModel()
        let corpus = try TextCorpus(path: text)
        let chosen = try units.map { list in
            try list.split(separator: ",").map { part -> Int in
                guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n >= 0, n < lm.configuration.hidden else {
                    throw ValidationError("--units: '\(part)' is not a unit index below \(lm.configuration.hidden)")
                }
                return n
            }
        }
        let view = try NeuronView(model: lm, vocabulary: vocabulary, text: String(corpus.text.prefix(maxCharacters)),
                                  layer: layer ?? lm.configuration.layers - 1, units: chosen, count: count)
        try view.writeHTML(to: out)
        let png = (out.hasSuffix(".html") ? String(out.dropLast(5)) : out) + ".png"
        try view.writePNG(to: png)
        print("units \(view.units.map(String.init).joined(separator: ", ")) of layer \(view.layer) over \(view.tokens.count) tokens: \(out), \(png)")
    }
}
