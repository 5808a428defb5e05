import ArgumentParser
import Foundation
import NN

/// `glimpse demo`: the smallest real end-to-end run — a two-layer network learns XOR with Adam,
/// printing the loss as it falls.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a tiny network on XOR and show the loss falling (a smoke test of the numeric core).")

    @Option(help: "Training steps.")
    var steps = 300

    @Option(help: "Hidden units.")
    var hidden = 8

    @Option(help: "Seed for the initial weights.")
    var seed: UInt64 = 0

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive") }
        guard hidden > 0 else { throw ValidationError("--hidden must be positive") }
    }

    func run() throws {
        var generator = SeededGenerator(seed: seed)
        let network = Sequential([
            Linear(inputSize: 2, outputSize: hidden, generator: &generator),
            Tanh(),
            Linear(inputSize: hidden, outputSize: 2, generator: &generator),
        ])
        let store = network.makeParameterStore()
        let optimizer = Adam(ParameterRange(store: store), learningRate: 0.05)
        let inputs = Tensor(shape: [4, 2], values: [0, 0, 0, 1, 1, 0, 1, 1])
        let targets: [Int32] = [0, 1, 1, 0]
        print("Learning XOR with a 2-\(hidden)-2 network (Adam, lr 0.05, seed \(seed))")
        var loss: Float = .nan
        for step in 1...steps {
            store.zeroGradients()
            let logits = network(inputs)
            let lossTensor = crossEntropy(logits: logits, targets: targets)
            lossTensor.backward()
            optimizer.step()
            loss = lossTensor.item
            if step == 1 || step % max(1, steps / 10) == 0 || step == steps {
                print(String(format: "step %4d  loss %.5f", step, loss))
            }
        }
        let predictions = withoutGradient { network(inputs) }.values
        var correct = 0
        for row in 0..<4 {
            let predicted: Int32 = predictions[row * 2 + 1] > predictions[row * 2] ? 1 : 0
            if predicted == targets[row] { correct += 1 }
            print("  \(Int(inputs.values[row * 2])) xor \(Int(inputs.values[row * 2 + 1])) -> \(predicted)")
        }
        print("\(correct)/4 correct, final loss \(String(format: "%.5f", loss))")
        if correct < 4 { throw ExitCode.failure }
    }
}
