import Foundation
import NN
import XCTest

/// Five optimizer steps with fixed gradients against `torch.optim` (`optim_<case>.safetensors`:
/// p0, g1..g5, p1..p5; hyperparameters in the metadata).
final class OptimizerParityTests: XCTestCase {
    static let cases = ["sgd", "sgd_momentum", "sgd_nesterov", "adagrad", "rmsprop",
                        "rmsprop_centered_momentum", "adam", "adamw"]

    /// Reads a float hyperparameter from the fixture's metadata (Python `repr`), or `default` if absent.
    private func hyper(_ f: FixtureFile, _ key: String, _ default: Float) throws -> Float {
        guard let text = f.file.metadata[key] else { return `default` }
        return try XCTUnwrap(Float(text), "\(f.name): metadata \(key)=\(text) is not a number")
    }

    private func flag(_ f: FixtureFile, _ key: String) -> Bool { f.file.metadata[key] == "True" }

    /// The Glimpse optimizer matching the fixture's torch optimizer and hyperparameters.
    private func makeOptimizer(_ f: FixtureFile, _ range: ParameterRange) throws -> any Optimizer {
        let kind = try f.metadata("optimizer")
        switch kind {
        case "SGD":
            return SGD(range, learningRate: try hyper(f, "lr", 0.001), momentum: try hyper(f, "momentum", 0),
                       dampening: try hyper(f, "dampening", 0), weightDecay: try hyper(f, "weight_decay", 0),
                       nesterov: flag(f, "nesterov"))
        case "Adagrad":
            return Adagrad(range, learningRate: try hyper(f, "lr", 0.01), learningRateDecay: try hyper(f, "lr_decay", 0),
                           weightDecay: try hyper(f, "weight_decay", 0),
                           initialAccumulatorValue: try hyper(f, "initial_accumulator_value", 0),
                           eps: try hyper(f, "eps", 1e-10))
        case "RMSprop":
            return RMSprop(range, learningRate: try hyper(f, "lr", 0.01), alpha: try hyper(f, "alpha", 0.99),
                           eps: try hyper(f, "eps", 1e-8), weightDecay: try hyper(f, "weight_decay", 0),
                           momentum: try hyper(f, "momentum", 0), centered: flag(f, "centered"))
        case "Adam":
            return Adam(range, learningRate: try hyper(f, "lr", 1e-3), beta1: try hyper(f, "beta1", 0.9),
                        beta2: try hyper(f, "beta2", 0.999), eps: try hyper(f, "eps", 1e-8),
                        weightDecay: try hyper(f, "weight_decay", 0))
        case "AdamW":
            return Adam.adamW(range, learningRate: try hyper(f, "lr", 1e-3), beta1: try hyper(f, "beta1", 0.9),
                              beta2: try hyper(f, "beta2", 0.999), eps: try hyper(f, "eps", 1e-8),
                              weightDecay: try hyper(f, "weight_decay", 0.01))
        default:
            throw FixtureFile.Missing(description: "\(f.name): unknown optimizer \(kind)")
        }
    }

    /// A store holding one parameter with the given values.
    private func makeStore(shape: [Int], values: [Float]) -> (ParameterStore, Tensor) {
        let p = Tensor(shape: shape, values: values, requiresGrad: true)
        let store = ParameterStore([(name: "p", tensor: p)])
        return (store, p)
    }

    /// Copies `gradient` into the store's gradients (the parameter starts at offset 0).
    private func setGradient(_ store: ParameterStore, _ gradient: [Float]) {
        let g = store.gradients
        for i in 0..<gradient.count { g[i] = gradient[i] }
    }

    private func runParity(_ caseName: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try Fixtures.load("optim_\(caseName).safetensors")
        XCTAssertEqual(try f.metadata("steps"), "5")
        let shape = try f.shape("p0")
        let (store, p) = makeStore(shape: shape, values: try f.floats("p0"))
        let optimizer = try makeOptimizer(f, ParameterRange(store: store))
        for k in 1...5 {
            setGradient(store, try f.floats("g\(k)"))
            optimizer.step()
            XCTAssertEqual(optimizer.stepCount, k, "\(caseName): step count", file: file, line: line)
            assertClose(p.values, try f.floats("p\(k)"), tolerance: 1e-5, "\(f.name):p\(k)", shape: shape, file: file, line: line)
        }
        // The parameter really moved (a no-op optimizer could not pass this).
        XCTAssertNotNil(worstMismatch(p.values, try f.floats("p0"), tolerance: 1e-4), "\(caseName): parameter did not move")
    }

    func testSGD() throws { try runParity("sgd") }
    func testSGDMomentumDampeningWeightDecay() throws { try runParity("sgd_momentum") }
    func testSGDNesterov() throws { try runParity("sgd_nesterov") }
    func testAdagrad() throws { try runParity("adagrad") }
    func testRMSprop() throws { try runParity("rmsprop") }
    func testRMSpropCenteredMomentum() throws { try runParity("rmsprop_centered_momentum") }
    func testAdam() throws { try runParity("adam") }
    func testAdamW() throws { try runParity("adamw") }

    /// Saving the state after two steps and loading it into a fresh optimizer over a fresh store
    /// gives exactly the same steps 3..5 as the uninterrupted run, for every optimizer.
    func testStateRoundTripResumesIdentically() throws {
        for caseName in Self.cases {
            let f = try Fixtures.load("optim_\(caseName).safetensors")
            let shape = try f.shape("p0")
            let grads = try (1...5).map { try f.floats("g\($0)") }

            let (storeA, pA) = makeStore(shape: shape, values: try f.floats("p0"))
            let a = try makeOptimizer(f, ParameterRange(store: storeA))
            var uninterrupted: [[Float]] = []
            for g in grads {
                setGradient(storeA, g)
                a.step()
                uninterrupted.append(pA.values)
            }

            let (storeB, pB) = makeStore(shape: shape, values: try f.floats("p0"))
            let b = try makeOptimizer(f, ParameterRange(store: storeB))
            for g in grads.prefix(2) {
                setGradient(storeB, g)
                b.step()
            }
            let saved = b.state
            XCTAssertEqual(saved["step"], [2], "\(caseName): saved step")

            let (storeC, pC) = makeStore(shape: shape, values: pB.values)
            let c = try makeOptimizer(f, ParameterRange(store: storeC))
            try c.loadState(saved)
            XCTAssertEqual(c.stepCount, 2, "\(caseName): restored step count")
            for k in 2..<5 {
                setGradient(storeC, grads[k])
                c.step()
                XCTAssertEqual(pC.values, uninterrupted[k], "\(caseName): step \(k + 1) after resuming differs")
            }
            assertClose(pC.values, try f.floats("p5"), tolerance: 1e-5, "\(caseName): p5 after resuming", shape: shape)
        }
    }

    /// Without the restored state a resumed run must differ (so the round trip above can fail):
    /// every case but plain SGD keeps state that changes the next step.
    func testFreshOptimizerWithoutStateDiverges() throws {
        for caseName in Self.cases where caseName != "sgd" {
            let f = try Fixtures.load("optim_\(caseName).safetensors")
            let shape = try f.shape("p0")
            let (store, p) = makeStore(shape: shape, values: try f.floats("p2"))
            let fresh = try makeOptimizer(f, ParameterRange(store: store))
            setGradient(store, try f.floats("g3"))
            fresh.step()
            XCTAssertNotNil(worstMismatch(p.values, try f.floats("p3"), tolerance: 1e-6),
                            "\(caseName): a fresh optimizer reproduced step 3 without state")
        }
    }

    func testLoadStateRejectsWrongSizes() throws {
        let (store, _) = makeStore(shape: [3, 4], values: [Float](repeating: 0, count: 12))
        let adam = Adam(ParameterRange(store: store))
        XCTAssertThrowsError(try adam.loadState(["step": [1], "exp_avg": [1, 2]])) { error in
            XCTAssertTrue("\(error)".contains("exp_avg"), "error should name the buffer: \(error)")
        }
        XCTAssertThrowsError(try adam.loadState(["exp_avg": [], "exp_avg_sq": []])) { error in
            XCTAssertTrue("\(error)".contains("step"), "error should name the step: \(error)")
        }
    }
}
