import Foundation
import Kernels
import NN

/// How text is drawn from a language model.
public struct SamplingOptions: Sendable {
    /// Text the model reads first; generation continues it.
    public var prime = ""
    /// Tokens to generate.
    public var length = 500
    /// Logits are divided by it: below 1 sharper, above 1 more random.
    public var temperature: Float = 1
    /// Draw only among the k most likely tokens (0: all).
    public var topK = 0
    /// Always take the most likely token (no randomness).
    public var argmax = false
    public var seed: UInt64 = 0
    public init() {}
}

/// Generates text one token at a time. LSTM and GRU models step through `RecurrentStepper`
/// (no graph, no allocation per token, the first layer's input product a table lookup); the
/// others through the sequence ops one step at a time.
public final class LMSampler {
    public let model: LanguageModel
    public let vocabulary: LMVocabulary
    let stepper: RecurrentStepper?
    let gateTable: [Float]
    var states: StackStates
    var logits: [Float]
    /// Scratch of `choose`, kept so that a draw allocates nothing.
    private var scaled: [Float], ranked: [Float], weights: [Float]

    public init(model: LanguageModel, vocabulary: LMVocabulary) {
        self.model = model; self.vocabulary = vocabulary
        model.eval()
        if let lstm = model.lstm { stepper = RecurrentStepper(lstm) } else if let gru = model.gru { stepper = RecurrentStepper(gru) } else { stepper = nil }
        gateTable = stepper?.inputGateTable(for: model.embedding.weight) ?? []
        states = model.zeroStates(batch: 1)
        logits = [Float](repeating: 0, count: vocabulary.count)
        scaled = logits; ranked = logits
        weights = [Float](repeating: 0, count: vocabulary.count)
    }

    /// The token generation starts from when there is no prime: a line break (character level) or
    /// `<eos>` (word level) if the vocabulary has it.
    var startToken: Int32 {
        let start = vocabulary.level == .character ? "\n" : LMVocabulary.endOfSentence
        return vocabulary.contains(start) ? vocabulary.id(start) : 0
    }

    /// Clears the state.
    public func reset() {
        stepper?.reset()
        states = model.zeroStates(batch: 1)
    }

    /// Reads one token and leaves the next token's logits in `logits`.
    func feed(_ token: Int32) {
        if let stepper {
            let width = gateTable.count / vocabulary.count
            readOut(gateTable.withUnsafeBufferPointer { stepper.step(firstLayerInputGates: $0.baseAddress! + Int(token) * width) })
        } else {
            let (out, next) = withoutGradient { model([token], steps: 1, batch: 1, states: states) }
            states = next
            logits = out.values
        }
    }

    /// Generates `options.length` tokens after the prime, calling `emit` with each token's text as
    /// it comes (streaming). Returns the generated text (without the prime) and the prime tokens
    /// that were unknown to the model.
    @discardableResult
    public func generate(_ options: SamplingOptions, emit: (String) -> Void = { _ in }) -> (text: String, unknownPrimeTokens: [String]) {
        reset()
        var generator = SeededGenerator(seed: options.seed)
        var primeTokens = options.prime.isEmpty ? [] : TextCorpus.tokenize(options.prime, level: vocabulary.level)
        // A word-level prime that does not end its line leaves that line open.
        if vocabulary.level == .word && !options.prime.hasSuffix("\n") && primeTokens.last == LMVocabulary.endOfSentence { primeTokens.removeLast() }
        let unknown = primeTokens.filter { !vocabulary.contains($0) }
        let read = [startToken] + primeTokens.map { vocabulary.id($0) }
        var generated: [Int32] = []
        // Draws the next token from `logits` and streams it.
        func draw() -> Int32 {
            let next = choose(options, generator: &generator)
            generated.append(next)
            emit(vocabulary.level == .character ? vocabulary.tokens[Int(next)]
                 : (vocabulary.tokens[Int(next)] == LMVocabulary.endOfSentence ? "\n" : vocabulary.tokens[Int(next)] + " "))
            return next
        }
        for t in read.dropLast() { feed(t) }
        if let stepper, options.length > 0 {
            // The last read token starts the stepper's generation loop: each read-out and draw runs
            // while the other cores make the next step's hidden products.
            let width = gateTable.count / vocabulary.count
            gateTable.withUnsafeBufferPointer { rows in
                stepper.generate(firstLayerInputGates: rows.baseAddress! + Int(read.last!) * width, readOutRows: vocabulary.count) { h in
                    readOut(h)
                    let next = draw()
                    return generated.count < options.length ? rows.baseAddress! + Int(next) * width : nil
                }
            }
        } else {
            feed(read.last!)
            for _ in 0..<options.length { feed(draw()) }
        }
        return (vocabulary.decode(generated), unknown)
    }

    /// `logits = fc(h)` for the stepper's top hidden state `h`.
    func readOut(_ h: UnsafePointer<Float>) {
        logits.withUnsafeMutableBufferPointer { out in
            rowDots(model.fc.weight.data, ld: model.configuration.hidden, k: model.configuration.hidden, x: h,
                    rows: 0..<vocabulary.count, into: out.baseAddress!, start: model.fc.bias!.data)
        }
    }

    /// Picks the next token from `logits` (argmax, or a temperature / top-k draw).
    func choose(_ options: SamplingOptions, generator: inout SeededGenerator) -> Int32 {
        if options.argmax || options.temperature <= 0 {
            var best = 0
            for i in 1..<logits.count where logits[i] > logits[best] { best = i }
            return Int32(best)
        }
        let temperature = Float8(repeating: options.temperature)
        @inline(__always) func cool(_ v: Float8) -> Float8 { v / temperature }
        logits.withUnsafeBufferPointer { l in scaled.withUnsafeMutableBufferPointer { vectorMap(l.baseAddress!, $0.baseAddress!, l.count, cool) } }
        if options.topK > 0 && options.topK < scaled.count {
            for i in scaled.indices { ranked[i] = scaled[i] }
            ranked.sort(by: >)
            let threshold = ranked[options.topK - 1]
            for i in scaled.indices where scaled[i] < threshold { scaled[i] = -.infinity }
        }
        // The draw runs on the generation's critical path: single precision and `fastExp` (within
        // 3e-7 of exp), no libm call per token.
        var m = -Float.infinity
        for v in scaled { m = max(m, v) }
        let shift = Float8(repeating: m)
        @inline(__always) func exponential(_ v: Float8) -> Float8 { fastExp(v - shift) }
        scaled.withUnsafeBufferPointer { s in weights.withUnsafeMutableBufferPointer { vectorMap(s.baseAddress!, $0.baseAddress!, s.count, exponential) } }
        var total: Float = 0
        for w in weights { total += w }
        var u = generator.nextUniform() * total
        for i in weights.indices {
            u -= weights[i]
            if u < 0 { return Int32(i) }
        }
        return Int32(scaled.lastIndex { $0 > -.infinity } ?? 0)
    }
}
