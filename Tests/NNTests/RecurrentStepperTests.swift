import NN
import XCTest

/// The batch-1 stepper gives what the sequence ops give, step by step.
final class RecurrentStepperTests: XCTestCase {
    func check(layers: Int, hidden: Int, gru: Bool) {
        var g = SeededGenerator(seed: UInt64(hidden + layers))
        let steps = 5, inputSize = 6
        let x = Tensor.uniform([steps, 1, inputSize], low: -1, high: 1, generator: &g)
        let expected: [Float]
        let stepper: RecurrentStepper
        if gru {
            let model = GRU(inputSize: inputSize, hiddenSize: hidden, layers: layers, generator: &g)
            expected = model(x).output.values
            stepper = RecurrentStepper(model)
        } else {
            let model = LSTM(inputSize: inputSize, hiddenSize: hidden, layers: layers, generator: &g)
            expected = model(x).output.values
            stepper = RecurrentStepper(model)
        }
        // Feeding the input vector, and feeding precomputed first-layer gates, agree with the sequence op.
        let table = stepper.inputGateTable(for: x.reshaped([steps, inputSize]))
        let width = table.count / steps
        for (usingTable, workers) in [(false, 1), (true, 1), (false, 2), (true, 3)] {
            stepper.workers = workers
            stepper.reset()
            for s in 0..<steps {
                let out: UnsafePointer<Float>
                if usingTable {
                    out = table.withUnsafeBufferPointer { stepper.step(firstLayerInputGates: $0.baseAddress! + s * width) }
                } else {
                    out = stepper.step(input: x.data + s * inputSize)
                }
                for j in 0..<hidden {
                    XCTAssertEqual(out[j], expected[s * hidden + j], accuracy: 1e-5, "\(gru ? "GRU" : "LSTM") layers \(layers) hidden \(hidden) table \(usingTable) workers \(workers) step \(s) unit \(j)")
                }
            }
        }
    }

    func testLSTMStepperMatchesSequence() {
        check(layers: 1, hidden: 5, gru: false)
        check(layers: 2, hidden: 72, gru: false)
    }

    func testGRUStepperMatchesSequence() {
        check(layers: 1, hidden: 5, gru: true)
        check(layers: 3, hidden: 70, gru: true)
    }
}
