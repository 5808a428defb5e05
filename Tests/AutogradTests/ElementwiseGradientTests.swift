import Autograd
import XCTest

final class ElementwiseGradientTests: XCTestCase {
    func testAddSubMulDivSameShape() {
        checkGradients([random([3, 4], 1), random([3, 4], 2)]) { $0[0] + $0[1] }
        checkGradients([random([3, 4], 1), random([3, 4], 2)]) { $0[0] - $0[1] }
        checkGradients([random([3, 4], 1), random([3, 4], 2)]) { $0[0] * $0[1] }
        checkGradients([random([3, 4], 1), random([3, 4], 2, low: 0.5, high: 2)]) { $0[0] / $0[1] }
    }

    func testBroadcastingSumsOverRepeatedAxes() {
        // [2,3,4] with [4] (bias), [3,1] (column), [2,1,4], a scalar, and the reverse order.
        let pairs: [([Int], [Int])] = [([2, 3, 4], [4]), ([2, 3, 4], [3, 1]), ([2, 3, 4], [2, 1, 4]), ([2, 3, 4], []), ([4], [2, 3, 4]), ([3, 1], [1, 4])]
        for (i, (sa, sb)) in pairs.enumerated() {
            let s = UInt64(10 + i)
            checkGradients([random(sa, s), random(sb, s + 100)]) { $0[0] + $0[1] }
            checkGradients([random(sa, s), random(sb, s + 100)]) { $0[0] - $0[1] }
            checkGradients([random(sa, s), random(sb, s + 100)]) { $0[0] * $0[1] }
            checkGradients([random(sa, s), random(sb, s + 100, low: 0.5, high: 2)]) { $0[0] / $0[1] }
        }
    }

    func testBroadcastShapes() {
        XCTAssertEqual(broadcastShape([2, 3, 4], [4]), [2, 3, 4])
        XCTAssertEqual(broadcastShape([3, 1], [1, 4]), [3, 4])
        XCTAssertEqual(broadcastShape([], [2, 2]), [2, 2])
        let y = Tensor(shape: [2, 1], values: [1, 2]) + Tensor(shape: [3], values: [10, 20, 30])
        XCTAssertEqual(y.shape, [2, 3])
        XCTAssertEqual(y.values, [11, 21, 31, 12, 22, 32])
    }

    func testUnaryFunctions() {
        checkGradients([random([2, 5], 3)]) { $0[0].exp() }
        checkGradients([random([2, 5], 4, low: 0.5, high: 3)]) { $0[0].log() }
        checkGradients([random([2, 5], 5, low: -2, high: 2)]) { $0[0].tanh() }
        checkGradients([random([2, 5], 6, low: -3, high: 3)]) { $0[0].sigmoid() }
        // Values kept away from the kink at 0.
        let x = random([2, 5], 7)
        for i in 0..<x.count { x.data[i] = x.data[i] < 0 ? x.data[i] - 0.1 : x.data[i] + 0.1 }
        checkGradients([x]) { $0[0].relu() }
        checkGradients([random([2, 5], 8)]) { $0[0].squared() }
        checkGradients([random([2, 5], 9, low: 0.5, high: 3)]) { $0[0].sqrt() }
        checkGradients([random([2, 5], 10)]) { -$0[0] }
        checkGradients([random([2, 5], 11)]) { $0[0] * 3 + 1 }
        checkGradients([random([2, 5], 12)]) { 2 - $0[0] / 4 }
    }

    func testUnaryValues() {
        let x = Tensor(shape: [4], values: [-1, 0, 0.5, 2])
        XCTAssertEqual(x.relu().values, [0, 0, 0.5, 2])
        XCTAssertEqual(x.sigmoid().values[1], 0.5, accuracy: 1e-7)
        XCTAssertEqual(x.tanh().values[3], Float(tanh(2.0)), accuracy: 1e-6)
        XCTAssertEqual(x.exp().values[2], Float(exp(0.5)), accuracy: 1e-6)
    }

    func testSharedInputAccumulatesBothPaths() {
        // y = x * x + x uses x three times; dy/dx = 2x + 1.
        let x = Tensor(shape: [3], values: [1, -2, 0.5], requiresGrad: true)
        let y = (x * x + x).sum()
        y.backward()
        XCTAssertEqual(x.gradValues!, [3, -3, 2])
        checkGradients([random([3], 13)]) { ($0[0] * $0[0] + $0[0]).tanh() }
    }

    func testBackwardAddsIntoExistingGradients() {
        let x = Tensor(shape: [2], values: [1, 2], requiresGrad: true)
        (x * 3).sum().backward()
        (x * 3).sum().backward()
        XCTAssertEqual(x.gradValues!, [6, 6])
        x.zeroGrad()
        XCTAssertEqual(x.gradValues!, [0, 0])
    }

    func testWithoutGradientRecordsNothing() {
        let x = Tensor(shape: [2], values: [1, 2], requiresGrad: true)
        let y = withoutGradient { (x * 2).exp() }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue((x * 2).requiresGrad)
    }
}
