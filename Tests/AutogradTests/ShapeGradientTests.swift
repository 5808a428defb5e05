import Autograd
import XCTest

final class ShapeGradientTests: XCTestCase {
    func testReductions() {
        let x = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.sum().values, [21])
        XCTAssertEqual(x.sum(axes: [0]).values, [5, 7, 9])
        XCTAssertEqual(x.sum(axes: [1], keepDims: true).shape, [2, 1])
        XCTAssertEqual(x.mean(axes: [-1]).values, [2, 5])
        checkGradients([random([2, 3, 4], 1)]) { $0[0].sum() }
        checkGradients([random([2, 3, 4], 2)]) { $0[0].sum(axes: [1]) }
        checkGradients([random([2, 3, 4], 3)]) { $0[0].sum(axes: [0, 2], keepDims: true) }
        checkGradients([random([2, 3, 4], 4)]) { $0[0].mean(axes: [2]) }
        checkGradients([random([2, 3, 4], 5)]) { $0[0].mean() }
    }

    func testReshapePermuteTranspose() {
        let x = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.transposed().values, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(x.reshaped([3, -1]).shape, [3, 2])
        let y = Tensor(shape: [2, 2, 3], values: (0..<12).map(Float.init)).permuted([2, 0, 1])
        XCTAssertEqual(y.shape, [3, 2, 2])
        XCTAssertEqual(y.values, [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11])
        checkGradients([random([2, 3, 4], 6)]) { $0[0].reshaped([4, 6]) * $0[0].reshaped([4, 6]) }
        checkGradients([random([2, 3, 4], 7)]) { $0[0].permuted([2, 0, 1]).tanh() }
        checkGradients([random([2, 3, 4], 8)]) { $0[0].transposed(0, 2) }
    }

    /// A reshape's gradient is a view of its input's: every path adds into the input once, and a
    /// second backward over a kept graph adds the same again (not the first pass's total).
    func testReshapeGradientsArriveInTheInputOnce() {
        let x = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6], requiresGrad: true)
        let y = (x.reshaped([3, 2]) * x.reshaped([6]).reshaped([3, 2])).sum() + (x * 2).sum()
        y.backward(retainGraph: true)
        let once = try! XCTUnwrap(x.gradValues)
        XCTAssertEqual(once, x.values.map { 2 * $0 + 2 })
        y.backward()
        XCTAssertEqual(x.gradValues, once.map { 2 * $0 })
    }

    func testSliceSplitConcat() {
        let x = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.slice(axis: 1, 1..<3).values, [2, 3, 5, 6])
        let parts = x.split(sizes: [1, 2], axis: 1)
        XCTAssertEqual(parts[0].values, [1, 4])
        XCTAssertEqual(Tensor.concat([parts[1], parts[0]], axis: 1).values, [2, 3, 1, 5, 6, 4])
        checkGradients([random([3, 5, 2], 9)]) { $0[0].slice(axis: 1, 1..<4) }
        checkGradients([random([3, 5, 2], 10)]) { t in
            let p = t[0].split(sizes: [2, 3], axis: 1)
            return p[0].sum(axes: [1]) * p[1].sum(axes: [1])
        }
        checkGradients([random([2, 3], 11), random([2, 4], 12), random([2, 1], 13)]) { Tensor.concat($0, axis: 1).squared() }
        checkGradients([random([2, 3], 14), random([1, 3], 15)]) { Tensor.concat($0, axis: 0).exp() }
    }

    func testIndexSelectAddsRepeatedRows() {
        let table = Tensor(shape: [4, 2], values: [0, 1, 10, 11, 20, 21, 30, 31], requiresGrad: true)
        let rows = table.indexSelect([2, 0, 2])
        XCTAssertEqual(rows.values, [20, 21, 0, 1, 20, 21])
        rows.backward(gradient: [1, 1, 1, 1, 1, 1])
        XCTAssertEqual(table.gradValues!, [1, 1, 0, 0, 2, 2, 0, 0])
        checkGradients([random([5, 3], 16)]) { ($0[0].indexSelect([4, 1, 1, 0]) * 2).tanh() }
    }
}
