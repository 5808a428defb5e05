import Foundation
import NN
import XCTest

/// Learning-rate schedules against `torch.optim.lr_scheduler` and gradient clipping against
/// `torch.nn.utils.clip_grad_norm_` / `clip_grad_value_`.
final class ScheduleAndClippingTests: XCTestCase {
    // MARK: Schedules (schedules.safetensors: the lr after each scheduler.step(), initial lr 1.0)

    func testStepDecayMatchesStepLR() throws {
        let f = try Fixtures.load("schedules.safetensors")
        XCTAssertEqual(try f.metadata("step_lr"), "StepLR(step_size=3, gamma=0.5)")
        let expected = try f.floats("step_lr")
        var schedule = StepDecay(initialLearningRate: 1.0, stepSize: 3, gamma: 0.5)
        XCTAssertEqual(schedule.learningRate, 1.0)
        let actual = expected.indices.map { _ in schedule.step() }
        assertClose(actual, expected, tolerance: 1e-6, "schedules:step_lr")
        XCTAssertEqual(schedule.learningRate, actual.last)
    }

    func testExponentialDecayMatchesExponentialLR() throws {
        let f = try Fixtures.load("schedules.safetensors")
        XCTAssertEqual(try f.metadata("exponential_lr"), "ExponentialLR(gamma=0.9)")
        let expected = try f.floats("exponential_lr")
        var schedule = ExponentialDecay(initialLearningRate: 1.0, gamma: 0.9)
        let actual = expected.indices.map { _ in schedule.step() }
        assertClose(actual, expected, tolerance: 1e-6, "schedules:exponential_lr")
    }

    func testReduceOnPlateauMatchesReduceLROnPlateau() throws {
        let f = try Fixtures.load("schedules.safetensors")
        let metrics = try f.floats("plateau_metrics")
        let expected = try f.floats("plateau_lr")
        XCTAssertEqual(metrics.count, expected.count)
        // The fixture must exercise a reduction, else this test could not fail on one.
        XCTAssertTrue(Set(expected).count > 1, "plateau fixture never reduces the learning rate")
        var schedule = ReduceOnPlateau(initialLearningRate: 1.0, factor: 0.5, patience: 2, threshold: 1e-4,
                                       cooldown: 1, minimumLearningRate: 0.01)
        let actual = metrics.map { schedule.step(metric: $0) }
        assertClose(actual, expected, tolerance: 1e-6, "schedules:plateau_lr")
        XCTAssertEqual(schedule.learningRate, actual.last)
    }

    /// PyTorch's order within one step: count a bad epoch, then (in cooldown) decrement the
    /// cooldown and forget bad epochs, then reduce when bad epochs exceed patience and restart the
    /// cooldown. The fixture's metrics reduce at the same steps with or without cooldown, so the
    /// cooldown is checked here by hand: patience 0, cooldown 2, a metric that never improves.
    func testReduceOnPlateauCooldown() {
        var schedule = ReduceOnPlateau(initialLearningRate: 1.0, factor: 0.5, patience: 0, threshold: 1e-4,
                                       cooldown: 2, minimumLearningRate: 0)
        let actual = (0..<8).map { _ in schedule.step(metric: 1.0) }
        // step 1 sets best; 2 reduces; 3-4 are cooldown; 5 reduces; 6-7 cooldown; 8 reduces.
        assertClose(actual, [1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125], tolerance: 0, "plateau cooldown")
    }

    /// Relative threshold (mode min): an improvement must beat `best * (1 - threshold)`.
    func testReduceOnPlateauRelativeThreshold() {
        var schedule = ReduceOnPlateau(initialLearningRate: 1.0, factor: 0.5, patience: 0, threshold: 0.1,
                                       cooldown: 0, minimumLearningRate: 0)
        XCTAssertEqual(schedule.step(metric: 10), 1)    // best = 10
        XCTAssertEqual(schedule.step(metric: 9.5), 0.5) // not below 9: a bad step, reduced
        XCTAssertEqual(schedule.step(metric: 8.9), 0.5) // below 9: improvement, best = 8.9
        XCTAssertEqual(schedule.best, 8.9)
    }

    func testReduceOnPlateauRespectsMinimum() {
        var schedule = ReduceOnPlateau(initialLearningRate: 1.0, factor: 0.5, patience: 0, threshold: 1e-4,
                                       cooldown: 0, minimumLearningRate: 0.2)
        var last: Float = 1
        for _ in 0..<20 { last = schedule.step(metric: 1.0) }
        XCTAssertEqual(last, 0.2, accuracy: 1e-7, "learning rate must stop at the minimum")
    }

    // MARK: Clipping (clip.safetensors: two gradients a [3, 4] and b [5] clipped together)

    /// A store with two parameters `a` and `b` whose gradients are the fixture's "before" values.
    private func makeStore(_ f: FixtureFile) throws -> (ParameterStore, Tensor, Tensor) {
        let a = Tensor(zeros: try f.shape("clip_a_before"), requiresGrad: true)
        let b = Tensor(zeros: try f.shape("clip_b_before"), requiresGrad: true)
        let store = ParameterStore([(name: "a", tensor: a), (name: "b", tensor: b)])
        for (name, key) in [("a", "clip_a_before"), ("b", "clip_b_before")] {
            let entry = try XCTUnwrap(store.entry(named: name))
            let values = try f.floats(key)
            for i in 0..<values.count { store.gradients[entry.offset + i] = values[i] }
        }
        return (store, a, b)
    }

    func testClipGradientNormMatchesPyTorch() throws {
        let f = try Fixtures.load("clip.safetensors")
        XCTAssertEqual(try f.metadata("max_norm"), "1.0")
        let (store, a, b) = try makeStore(f)
        let norm = clipGradientNorm(ParameterRange(store: store), maxNorm: 1.0)
        assertClose([norm], [try f.scalar("total_norm")], tolerance: 1e-5, "clip:total_norm")
        XCTAssertGreaterThan(norm, 1, "fixture should need clipping")
        let aAfter = try XCTUnwrap(a.gradValues), bAfter = try XCTUnwrap(b.gradValues)
        assertClose(aAfter, try f.floats("clip_a_after"), tolerance: 1e-5, "clip:clip_a_after", shape: a.shape)
        assertClose(bAfter, try f.floats("clip_b_after"), tolerance: 1e-5, "clip:clip_b_after", shape: b.shape)
        // The clipped global norm is max_norm (up to the 1e-6 guard).
        let clippedNorm = (aAfter + bAfter).reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        XCTAssertEqual(clippedNorm, 1.0, accuracy: 1e-5)
    }

    func testClipGradientNormLeavesSmallGradientsAlone() throws {
        let f = try Fixtures.load("clip.safetensors")
        let (store, a, b) = try makeStore(f)
        let before = (try XCTUnwrap(a.gradValues), try XCTUnwrap(b.gradValues))
        let norm = clipGradientNorm(ParameterRange(store: store), maxNorm: 1000)
        assertClose([norm], [try f.scalar("total_norm")], tolerance: 1e-5, "clip:total_norm (no clipping)")
        XCTAssertEqual(a.gradValues, before.0)
        XCTAssertEqual(b.gradValues, before.1)
    }

    func testClipGradientValueMatchesPyTorch() throws {
        let f = try Fixtures.load("clip.safetensors")
        XCTAssertEqual(try f.metadata("clip_value"), "0.5")
        let (store, a, b) = try makeStore(f)
        clipGradientValue(ParameterRange(store: store), clipValue: 0.5)
        assertClose(try XCTUnwrap(a.gradValues), try f.floats("value_a_after"), tolerance: 1e-6, "clip:value_a_after", shape: a.shape)
        assertClose(try XCTUnwrap(b.gradValues), try f.floats("value_b_after"), tolerance: 1e-6, "clip:value_b_after", shape: b.shape)
    }
}
