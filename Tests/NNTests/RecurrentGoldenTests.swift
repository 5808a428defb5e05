import NN
import XCTest

/// The textbook examples, reproduced exactly.
final class RecurrentGoldenTests: XCTestCase {
    /// Elman: every weight 1, no bias, identity activations, memory starting at 0, an output layer
    /// y = W_hy h (weights 1): inputs [1,1], [1,1], [2,2] give [4,4], [12,12], [32,32].
    func elmanOutputs(_ inputs: [[Float]]) -> [Float] {
        var g = SeededGenerator(seed: 0)
        let rnn = ElmanRNN(inputSize: 2, hiddenSize: 2, activation: .identity, bias: false, generator: &g)
        let output = Linear(inputSize: 2, outputSize: 2, bias: false, generator: &g)
        for (_, t) in rnn.namedParameters() + output.namedParameters() { setValues(t, [Float](repeating: 1, count: t.count)) }
        let x = Tensor(shape: [inputs.count, 1, 2], values: inputs.flatMap { $0 })
        return output(rnn(x).output).values
    }

    func testElmanNetworkWithUnitWeights() {
        XCTAssertEqual(elmanOutputs([[1, 1], [1, 1], [2, 2]]), [4, 4, 12, 12, 32, 32])
        // Order matters: the same inputs in another order give other outputs.
        XCTAssertEqual(elmanOutputs([[2, 2], [1, 1], [1, 1]]), [8, 8, 20, 20, 44, 44])
    }

    /// A one-unit LSTM on 3-d inputs: candidate z = x1, input gate σ(100 x2 - 10), forget gate
    /// σ(100 x2 + 10), output gate σ(100 x3 - 10), identity candidate and cell activations.
    func testOneUnitLSTMRemembersUntilAsked() {
        var g = SeededGenerator(seed: 0)
        let lstm = LSTM(inputSize: 3, hiddenSize: 1, activations: LSTMActivations(gate: .sigmoid, candidate: .identity, cell: .identity), generator: &g)
        let cell = lstm.cells[0][0]
        // Rows i, f, g, o of weight_ih [4, 3]; no recurrent weights; biases on bias_ih.
        setValues(cell.weightIH, [0, 100, 0,   0, 100, 0,   1, 0, 0,   0, 0, 100])
        setValues(cell.weightHH, [0, 0, 0, 0])
        setValues(cell.biasIH!, [-10, 10, 0, -10])
        setValues(cell.biasHH!, [0, 0, 0, 0])
        let inputs: [Float] = [3, 1, 0,  4, 1, 0,  2, 0, 0,  1, 0, 1,  3, -1, 0]
        var state = cell.zeroState(batchSize: 1)
        var outputs: [Float] = [], memory: [Float] = []
        for t in 0..<5 {
            let x = Tensor(shape: [1, 3], values: Array(inputs[(3 * t)..<(3 * t + 3)]))
            let step = cell(x, state: state)
            state = step.state
            outputs.append(step.output.item)
            memory.append(state.c.item)
        }
        let expectedOutputs: [Float] = [0, 0, 0, 7, 0], expectedMemory: [Float] = [3, 7, 7, 7, 0]
        for t in 0..<5 {
            XCTAssertEqual(outputs[t], expectedOutputs[t], accuracy: 0.01, "output at step \(t + 1)")
            XCTAssertEqual(memory[t], expectedMemory[t], accuracy: 0.01, "memory at step \(t + 1)")
        }
        // The whole sequence in one call agrees with the step-by-step run.
        let sequence = lstm(Tensor(shape: [5, 1, 3], values: inputs)).output.values
        for t in 0..<5 { XCTAssertEqual(sequence[t], outputs[t], accuracy: 1e-5) }
    }
}
