import NN
import XCTest

/// A recurrent stack reading token ids through an embedding table (`callAsFunction(tokens:...)`)
/// gives the outputs, final states and gradients (embedding table and every weight) of the same
/// stack run on the looked-up rows, for every cell, stacked, both directions, with lengths; for a
/// small batch (one row block) and one of 16 rows (two row blocks, each core projecting its rows).
final class TokenInputTests: XCTestCase {
    func testTokensThroughTheTableMatchLookedUpRows() {
        checkTokensMatchLookedUpRows(steps: 4, batch: 3, lengths: [4, 2, 3])
    }

    func testTokensThroughTheTableMatchLookedUpRowsInRowBlocks() {
        checkTokensMatchLookedUpRows(steps: 5, batch: 16, lengths: (0..<16).map { 1 + $0 % 5 })
    }

    private func checkTokensMatchLookedUpRows(steps: Int, batch: Int, lengths: [Int]) {
        let vocabulary = 7
        var g = SeededGenerator(seed: 5)
        let tokens = (0..<(steps * batch)).map { _ in Int32(g.next() % UInt64(vocabulary)) }
        let lstm = LSTM(inputSize: 5, hiddenSize: 6, layers: 2, bidirectional: true, generator: &g)
        let gru = GRU(inputSize: 5, hiddenSize: 6, layers: 2, bidirectional: true, generator: &g)
        let elman = ElmanRNN(inputSize: 5, hiddenSize: 6, layers: 2, bidirectional: true, generator: &g)
        let jordan = JordanRNN(inputSize: 5, hiddenSize: 6, layers: 2, bidirectional: true, generator: &g)
        typealias Run = (Tensor, Bool) -> (output: Tensor, finals: [Tensor])
        let runs: [(String, any Layer, Run)] = [
            ("lstm", lstm, { table, viaTokens in
                let r = viaTokens ? lstm(tokens: tokens, steps: steps, batch: batch, embedding: table, lengths: lengths)
                    : lstm(Embedding.lookUp(table, tokens, steps, batch), lengths: lengths)
                return (r.output, r.states.flatMap { [$0.h, $0.c] })
            }),
            ("gru", gru, { table, viaTokens in
                let r = viaTokens ? gru(tokens: tokens, steps: steps, batch: batch, embedding: table, lengths: lengths)
                    : gru(Embedding.lookUp(table, tokens, steps, batch), lengths: lengths)
                return (r.output, r.states)
            }),
            ("elman", elman, { table, viaTokens in
                let r = viaTokens ? elman(tokens: tokens, steps: steps, batch: batch, embedding: table, lengths: lengths)
                    : elman(Embedding.lookUp(table, tokens, steps, batch), lengths: lengths)
                return (r.output, r.states)
            }),
            ("jordan", jordan, { table, viaTokens in
                let r = viaTokens ? jordan(tokens: tokens, steps: steps, batch: batch, embedding: table, lengths: lengths)
                    : jordan(Embedding.lookUp(table, tokens, steps, batch), lengths: lengths)
                return (r.output, r.states)
            }),
        ]
        for (name, layer, run) in runs {
            var results: [(values: [Float], gradients: [[Float]])] = []
            for viaTokens in [false, true] {
                var w = SeededGenerator(seed: 9)
                let table = Tensor.uniform([vocabulary, 5], low: -1, high: 1, generator: &w, requiresGrad: true)
                let parameters = layer.namedParameters().map(\.tensor)
                parameters.forEach { $0.zeroGrad() }
                let (output, finals) = run(table, viaTokens)
                let all = Tensor.concat([output.reshaped([-1])] + finals.map { $0.reshaped([-1]) }, axis: 0)
                var u = SeededGenerator(seed: 11)
                all.backward(gradient: (0..<all.count).map { _ in u.uniform(-1, 1) })
                results.append((all.values, [table.gradValues!] + parameters.map { $0.gradValues ?? [] }))
            }
            let (plain, tokens) = (results[0], results[1])
            for i in plain.values.indices {
                XCTAssertEqual(tokens.values[i], plain.values[i], accuracy: 1e-5, "\(name): value \(i)")
            }
            XCTAssertGreaterThan(plain.gradients[0].filter { $0 != 0 }.count, 10, "\(name): the table receives gradient")
            for (k, (a, e)) in zip(tokens.gradients, plain.gradients).enumerated() {
                XCTAssertEqual(a.count, e.count, "\(name): gradient \(k) size")
                for i in a.indices { XCTAssertEqual(a[i], e[i], accuracy: 1e-4 * max(1, abs(e[i])), "\(name): gradient \(k)[\(i)]") }
            }
        }
    }
}

private extension Embedding {
    /// `table[tokens]` as `[steps, batch, features]`, through the graph's lookup op.
    static func lookUp(_ table: Tensor, _ tokens: [Int32], _ steps: Int, _ batch: Int) -> Tensor {
        table.indexSelect(tokens).reshaped([steps, batch, table.shape[1]])
    }
}
