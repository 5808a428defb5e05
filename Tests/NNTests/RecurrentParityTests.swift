import NN
import XCTest

/// Recurrent layers and cells against `torch.nn.RNN/GRU/LSTM` and their cells
/// (fixtures in `Tests/Fixtures/recurrent`, written by `Scripts/reference/recurrent_fixtures.py`).
final class RecurrentParityTests: XCTestCase {
    func load(_ name: String) throws -> FixtureFile { try Fixtures.load(name, subfolder: "recurrent") }

    /// The layer a fixture describes, with the fixture's parameters loaded.
    func layer(_ f: FixtureFile) throws -> (any Layer, run: (Tensor, [Tensor], [Int]?) -> (Tensor, [Tensor])) {
        let module = try f.metadata("module")
        let input = Int(try f.metadata("input_size"))!, hidden = Int(try f.metadata("hidden_size"))!
        let layers = Int(try f.metadata("num_layers"))!
        let bidirectional = try f.metadata("bidirectional") == "True"
        let batchFirst = try f.metadata("batch_first") == "True"
        var g = SeededGenerator(seed: 1)
        let layer: any Layer
        let run: (Tensor, [Tensor], [Int]?) -> (Tensor, [Tensor])
        switch module {
        case "LSTM":
            let l = LSTM(inputSize: input, hiddenSize: hidden, layers: layers, bidirectional: bidirectional, batchFirst: batchFirst, generator: &g)
            layer = l
            run = { x, states, lengths in
                let n = states.count / 2
                let initial = (0..<n).map { LSTMState(h: states[$0], c: states[n + $0]) }
                let (out, finals) = l(x, states: initial, lengths: lengths)
                return (out, finals.map(\.h) + finals.map(\.c))
            }
        case "GRU":
            let l = GRU(inputSize: input, hiddenSize: hidden, layers: layers, bidirectional: bidirectional, batchFirst: batchFirst, generator: &g)
            layer = l
            run = { x, states, lengths in l(x, states: states, lengths: lengths) }
        case "RNN":
            let activation: RecurrentActivation = try f.metadata("nonlinearity") == "relu" ? .relu : .tanh
            let l = ElmanRNN(inputSize: input, hiddenSize: hidden, layers: layers, activation: activation,
                             bidirectional: bidirectional, batchFirst: batchFirst, generator: &g)
            layer = l
            run = { x, states, lengths in l(x, states: states, lengths: lengths) }
        default:
            throw FixtureFile.Missing(description: "unknown module \(module)")
        }
        var entries = f.file.tensors
        for key in entries.keys where !key.hasPrefix("weight_") && !key.hasPrefix("bias_") { entries[key] = nil }
        try layer.loadStateDict(entries, source: f.name)
        return (layer, run)
    }

    /// Splits a `[L*D, B, H]` state tensor into its `[B, H]` pieces (differentiably).
    func pieces(_ t: Tensor) -> [Tensor] {
        (0..<t.shape[0]).map { t.slice(axis: 0, $0..<($0 + 1)).reshaped([t.shape[1], t.shape[2]]) }
    }

    func checkSequenceFixture(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try load(name)
        let (model, run) = try layer(f)
        let isLSTM = f.file.tensors["c0"] != nil
        let x = try f.tensor("x", requiresGrad: true)
        let h0 = try f.tensor("h0", requiresGrad: true)
        let c0 = isLSTM ? try f.tensor("c0", requiresGrad: true) : nil
        let lengths = f.file.tensors["lengths"] != nil ? try f.int64s("lengths").map { Int($0) } : nil
        let (out, finals) = run(x, pieces(h0) + (c0.map(pieces) ?? []), lengths)
        let layerCount = h0.shape[0]
        let hn = Tensor.concat(finals[0..<layerCount].map { $0.reshaped([1] + $0.shape) }, axis: 0)
        try assertClose(out, f, "out", file: file, line: line)
        try assertClose(hn, f, "hn", file: file, line: line)
        var loss = (out * (try f.tensor("gy"))).sum() + (hn * (try f.tensor("ghn"))).sum()
        if isLSTM {
            let cn = Tensor.concat(finals[layerCount...].map { $0.reshaped([1] + $0.shape) }, axis: 0)
            try assertClose(cn, f, "cn", file: file, line: line)
            loss = loss + (cn * (try f.tensor("gcn"))).sum()
        }
        loss.backward()
        try assertGradClose(x, f, "grad_x", file: file, line: line)
        try assertGradClose(h0, f, "grad_h0", file: file, line: line)
        if let c0 { try assertGradClose(c0, f, "grad_c0", file: file, line: line) }
        for (pname, tensor) in model.namedParameters() {
            try assertGradClose(tensor, f, "grad.\(pname)", file: file, line: line)
        }
    }

    func testRNNTanhTwoLayers() throws { try checkSequenceFixture("rnn_tanh.safetensors") }
    func testRNNReluBidirectionalBatchFirst() throws { try checkSequenceFixture("rnn_relu_bidirectional_batch_first.safetensors") }
    func testGRUTwoLayersBidirectional() throws { try checkSequenceFixture("gru.safetensors") }
    func testLSTMTwoLayersBidirectional() throws { try checkSequenceFixture("lstm.safetensors") }
    func testLSTMBatchFirst() throws { try checkSequenceFixture("lstm_batch_first.safetensors") }
    func testLSTMPackedVariableLengths() throws { try checkSequenceFixture("lstm_packed.safetensors") }
    func testGRUPackedVariableLengths() throws { try checkSequenceFixture("gru_packed.safetensors") }
    func testRNNPackedVariableLengths() throws { try checkSequenceFixture("rnn_packed.safetensors") }

    func checkCellFixture(_ name: String, makeCell: (inout SeededGenerator) -> any Layer,
                          step: (any Layer, Tensor, Tensor, Tensor?) -> (Tensor, Tensor?)) throws {
        let f = try load(name)
        var g = SeededGenerator(seed: 2)
        let cell = makeCell(&g)
        var entries = f.file.tensors
        for key in entries.keys where !key.hasPrefix("weight_") && !key.hasPrefix("bias_") { entries[key] = nil }
        try cell.loadStateDict(entries, source: name)
        let x = try f.tensor("x", requiresGrad: true), h0 = try f.tensor("h0", requiresGrad: true)
        let c0 = f.file.tensors["c0"] != nil ? try f.tensor("c0", requiresGrad: true) : nil
        let (h1, c1) = step(cell, x, h0, c0)
        try assertClose(h1, f, "h1")
        var loss = (h1 * (try f.tensor("gh1"))).sum()
        if let c1 {
            try assertClose(c1, f, "c1")
            loss = loss + (c1 * (try f.tensor("gc1"))).sum()
        }
        loss.backward()
        try assertGradClose(x, f, "grad_x")
        try assertGradClose(h0, f, "grad_h0")
        if let c0 { try assertGradClose(c0, f, "grad_c0") }
        for (pname, tensor) in cell.namedParameters() { try assertGradClose(tensor, f, "grad.\(pname)") }
    }

    func testRNNCellTanhAndRelu() throws {
        for (name, activation) in [("rnncell_tanh.safetensors", RecurrentActivation.tanh), ("rnncell_relu.safetensors", .relu)] {
            try checkCellFixture(name, makeCell: { ElmanCell(inputSize: 5, hiddenSize: 4, activation: activation, generator: &$0) }) { cell, x, h, _ in
                ((cell as! ElmanCell)(x, state: h).state, nil)
            }
        }
    }

    func testGRUCell() throws {
        try checkCellFixture("grucell.safetensors", makeCell: { GRUCell(inputSize: 5, hiddenSize: 4, generator: &$0) }) { cell, x, h, _ in
            ((cell as! GRUCell)(x, state: h).state, nil)
        }
    }

    func testLSTMCell() throws {
        try checkCellFixture("lstmcell.safetensors", makeCell: { LSTMCell(inputSize: 5, hiddenSize: 4, generator: &$0) }) { cell, x, h, c in
            let s = (cell as! LSTMCell)(x, state: LSTMState(h: h, c: c!)).state
            return (s.h, s.c)
        }
    }

    /// A small classifier, as the fixture's `rnn` + `fc` module.
    final class Classifier: Layer {
        let rnn: LSTM, fc: Linear
        init(generator: inout SeededGenerator) {
            rnn = LSTM(inputSize: 3, hiddenSize: 4, generator: &generator)
            fc = Linear(inputSize: 4, outputSize: 2, generator: &generator)
        }
        var sublayers: [(name: String, layer: any Layer)] { [(name: "rnn", layer: rnn), (name: "fc", layer: fc)] }
    }

    func testThreeAdamStepsOfAnLSTMClassifier() throws {
        let f = try load("lstm_three_steps_of_adam.safetensors")
        var g = SeededGenerator(seed: 3)
        let model = Classifier(generator: &g)
        var entries = f.file.tensors
        for key in entries.keys where !(key.hasPrefix("rnn.") || key.hasPrefix("fc.")) { entries[key] = nil }
        try model.loadStateDict(entries, source: f.name)
        let store = model.makeParameterStore()
        let adam = Adam(ParameterRange(store: store), learningRate: 0.01)
        let x = try f.tensor("x")
        let targets = try f.int64s("targets").map { Int32($0) }
        for step in 1...3 {
            store.zeroGradients()
            let out = model.rnn(x).output
            let loss = crossEntropy(logits: model.fc(out).reshaped([-1, 2]), targets: targets)
            XCTAssertEqual(loss.item, try f.scalar("loss_\(step)"), accuracy: 1e-5, "loss of step \(step)")
            loss.backward()
            adam.step()
        }
        for (name, tensor) in model.namedParameters() {
            try assertClose(tensor, f, "after.\(name)", tolerance: 1e-5)
        }
    }
}
