import FileOutput
import Foundation
import ImageIO
import NN

/// The activations of single hidden units over a text, one value per token (as in Karpathy's
/// "Unreasonable Effectiveness of Recurrent Neural Networks"), rendered as HTML (each token's
/// background coloured by the unit's value: blue -1 ... white 0 ... red +1) and as a PNG.
/// Without chosen units, the most selective ones are shown: those whose activation varies most
/// over the text.
public struct NeuronView {
    public let tokens: [String]
    public let layer: Int
    public let units: [Int]
    /// `activations[u][t]`: unit `units[u]` after token t.
    public let activations: [[Float]]

    public init(model: LanguageModel, vocabulary: LMVocabulary, text: String, layer: Int, units chosen: [Int]?, count: Int) throws {
        let tokens = TextCorpus.tokenize(text, level: vocabulary.level)
        guard !tokens.isEmpty else { throw CorpusError(path: "--text", reason: "has no tokens") }
        guard layer >= 0 && layer < model.configuration.layers else {
            throw CorpusError(path: "--layer", reason: "must be in 0..<\(model.configuration.layers)")
        }
        let hidden = model.configuration.hidden
        var perStep: [[Float]] = []
        if let stepper = model.lstm.map({ RecurrentStepper($0) }) ?? model.gru.map({ RecurrentStepper($0) }) {
            model.eval()
            let embedded = model.embedding.weight
            for id in vocabulary.encode(tokens) {
                stepper.step(input: embedded.data + Int(id) * model.configuration.embedding)
                perStep.append(stepper.state(layer: layer).h)
            }
        } else {
            guard layer == model.configuration.layers - 1 else {
                throw CorpusError(path: "--layer", reason: "only the top layer can be read from a \(model.configuration.cell) model")
            }
            model.eval()
            let ids = vocabulary.encode(tokens)
            let output = withoutGradient { model.hiddenStates(ids, steps: ids.count, batch: 1, states: model.zeroStates(batch: 1)).output }.values
            perStep = (0..<ids.count).map { Array(output[($0 * hidden)..<(($0 + 1) * hidden)]) }
        }
        let selected: [Int]
        if let chosen {
            selected = chosen
        } else {
            let variances = (0..<hidden).map { u -> Float in
                let values = perStep.map { $0[u] }
                let mean = values.reduce(0, +) / Float(values.count)
                return values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(values.count)
            }
            selected = Array((0..<hidden).sorted { variances[$0] > variances[$1] }.prefix(max(1, count)))
        }
        self.tokens = tokens
        self.layer = layer
        self.units = selected
        activations = selected.map { u in perStep.map { $0[u] } }
    }

    /// Colour for a value in [-1, 1]: blue, white, red.
    static func colour(_ v: Float) -> RGBColor {
        let x = max(-1, min(1, v))
        let fade = UInt8(255 * (1 - abs(x)))
        return x >= 0 ? RGBColor(red: 255, green: fade, blue: fade) : RGBColor(red: fade, green: fade, blue: 255)
    }

    /// The HTML page: one block per unit, the text with each token's background set by the unit.
    public func html() -> String {
        var out = "<!doctype html><meta charset=\"utf-8\"><title>Glimpse: hidden units</title>\n"
        out += "<style>body{font-family:sans-serif} pre{font-family:monospace;font-size:13px;white-space:pre-wrap;line-height:1.5} span{padding:0}</style>\n"
        out += "<h1>Hidden units of layer \(layer)</h1><p>Blue is -1, white 0, red +1 (the unit's value after reading each token).</p>\n"
        for (i, unit) in units.enumerated() {
            out += "<h2>unit \(unit)</h2><pre>"
            for (t, token) in tokens.enumerated() {
                let c = NeuronView.colour(activations[i][t])
                let shown = token.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                out += "<span style=\"background:rgb(\(c.red),\(c.green),\(c.blue))\" title=\"\(String(format: "%.3f", activations[i][t]))\">\(shown)</span>"
            }
            out += "</pre>\n"
        }
        return out
    }

    public func writeHTML(to path: String) throws {
        try AtomicFile.write(bytes: Array(html().utf8), to: path)
    }

    /// The PNG: one strip per unit, a cell per token (up to 120 per line), the character drawn on it.
    public func image(columns: Int = 120) -> Image {
        let cell = BitmapFont.advance + 2, lineHeight = BitmapFont.glyphHeight + 5
        let lines = (tokens.count + columns - 1) / columns
        let stripHeight = lines * lineHeight + 14
        var image = Image(width: columns * cell + 8, height: units.count * stripHeight + 4, filledWith: .white)
        for (i, unit) in units.enumerated() {
            let top = i * stripHeight
            image.drawText("unit \(unit)", x: 4, y: top + 3)
            for (t, token) in tokens.enumerated() {
                let x = 4 + (t % columns) * cell, y = top + 13 + (t / columns) * lineHeight
                let c = NeuronView.colour(activations[i][t])
                for yy in y..<(y + lineHeight - 1) { for xx in x..<(x + cell) where xx < image.width && yy < image.height { image[x: xx, y: yy] = c } }
                let glyph = token == "\n" ? "/" : String(token.prefix(1))
                image.drawText(glyph, x: x + 1, y: y + 2)
            }
        }
        return image
    }

    public func writePNG(to path: String) throws {
        try image().write(to: path)
    }
}
