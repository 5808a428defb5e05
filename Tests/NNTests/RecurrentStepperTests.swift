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

    /// `generate` (the read-out overlapped with the next step's hidden products) gives exactly the
    /// states of `step` in a loop, and the inputs `next` chooses from them.
    func testGenerateMatchesSteppingOneAtATime() {
        // Two layers on two workers run as a pipeline (`generateInPipeline`).
        for (gru, layers, hidden, workers) in [(false, 2, 72, 2), (true, 2, 64, 2), (true, 3, 70, 2), (false, 1, 5, 1), (true, 2, 40, 3)] {
            var g = SeededGenerator(seed: UInt64(hidden))
            let vocabulary = 7, inputSize = 6, length = 9
            let embedding = Tensor.uniform([vocabulary, inputSize], low: -1, high: 1, generator: &g)
            let stepper = gru ? RecurrentStepper(GRU(inputSize: inputSize, hiddenSize: hidden, layers: layers, generator: &g))
                : RecurrentStepper(LSTM(inputSize: inputSize, hiddenSize: hidden, layers: layers, generator: &g))
            stepper.workers = workers
            let table = stepper.inputGateTable(for: embedding)
            let width = table.count / vocabulary
            // The next token from a state: a fixed function of it, so both runs pick the same ones.
            func choose(_ h: UnsafePointer<Float>) -> Int {
                var best = 0
                for j in 0..<hidden where abs(h[j]) > abs(h[best]) { best = j }
                return best % vocabulary
            }
            var stepped: [[Float]] = [], tokens: [Int] = []
            stepper.reset()
            var token = 3
            table.withUnsafeBufferPointer { rows in
                for _ in 0..<length {
                    let h = stepper.step(firstLayerInputGates: rows.baseAddress! + token * width)
                    stepped.append(Array(UnsafeBufferPointer(start: h, count: hidden)))
                    token = choose(h); tokens.append(token)
                }
            }
            let firstLayerState = stepper.state(layer: 0)
            var generated: [[Float]] = [], generatedTokens: [Int] = []
            stepper.reset()
            table.withUnsafeBufferPointer { rows in
                // A read-out worth many rows leaves the calling thread fewer units of the hidden products.
                stepper.generate(firstLayerInputGates: rows.baseAddress! + 3 * width, readOutRows: 3 * hidden) { h in
                    generated.append(Array(UnsafeBufferPointer(start: h, count: hidden)))
                    let next = choose(h)
                    generatedTokens.append(next)
                    return generated.count < length ? rows.baseAddress! + next * width : nil
                }
            }
            XCTAssertEqual(generated, stepped, "\(gru ? "GRU" : "LSTM") \(layers) layers of \(hidden), \(workers) workers")
            XCTAssertEqual(generatedTokens, tokens)
            XCTAssertEqual(stepper.state(layer: layers - 1).h, stepped.last, "the final state")
            XCTAssertEqual(stepper.state(layer: 0).h, firstLayerState.h, "the first layer's final state")
            XCTAssertEqual(stepper.state(layer: 0).c, firstLayerState.c, "the first layer's final cell state")
        }
    }
}
