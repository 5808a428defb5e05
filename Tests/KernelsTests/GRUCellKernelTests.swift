import CWideProducts
import Kernels
import XCTest

/// The AVX-512 GRU step passes give the portable Swift code's bits (training runs the same on any
/// x86-64 CPU): rows of 40 units (two whole vectors of 16 and a masked tail of 8, against five
/// vectors of 8), values past both ends of the exp and tanh clamps.
final class GRUCellKernelTests: XCTestCase {
    let batch = 3, hidden = 40

    /// Values in [-scale, scale] from a fixed sequence, with a few past the clamps (±100, ±8).
    func values(_ count: Int, _ seed: UInt64, scale: Float = 4) -> [Float] {
        var state = seed
        return (0..<count).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let v = Float(Int64(bitPattern: state >> 11) % 20001) / 10000 * scale
            return i % 17 == 5 ? v * 25 : v
        }
    }

    func testWideForwardGivesThePortableBits() throws {
        try XCTSkipUnless(glimpse_wide_products_available() != 0, "this CPU has no AVX-512: only the portable code runs here")
        let H = hidden, gh = values(batch * 3 * H, 2), hPrev = values(batch * H, 3, scale: 1)
        var wideGates = values(batch * 3 * H, 1), portableGates = wideGates
        var wideH = [Float](repeating: .nan, count: batch * H), portableH = wideH
        var wideKept = wideH, portableKept = wideH
        glimpse_gru_step_forward_wide(&wideGates, gh, hPrev, &wideH, &wideKept, batch, H)
        portableGRUStepForward(inputGates: &portableGates, hiddenGates: gh, hPrev: hPrev, h: &portableH, hiddenN: &portableKept,
                               batch: batch, hidden: H)
        XCTAssertEqual(wideGates.map(\.bitPattern), portableGates.map(\.bitPattern), "activated gates")
        XCTAssertEqual(wideH.map(\.bitPattern), portableH.map(\.bitPattern), "new state")
        XCTAssertEqual(wideKept.map(\.bitPattern), portableKept.map(\.bitPattern), "kept hidden n")
    }

    func testWideBackwardGivesThePortableBits() throws {
        try XCTSkipUnless(glimpse_wide_products_available() != 0, "this CPU has no AVX-512: only the portable code runs here")
        let H = hidden
        let gates = values(batch * 3 * H, 4, scale: 1), hiddenN = values(batch * H, 5)
        let hPrev = values(batch * H, 6, scale: 1), gradH = values(batch * H, 7)
        func run(_ step: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>,
                          UnsafeMutablePointer<Float>) -> Void) -> [[UInt32]] {
            var gi = [Float](repeating: .nan, count: batch * 3 * H), gh = gi
            var gn = [Float](repeating: .nan, count: batch * H), gp = gn
            step(&gi, &gh, &gn, &gp)
            return [gi, gh, gn, gp].map { $0.map(\.bitPattern) }
        }
        let wide = run { glimpse_gru_step_backward_wide(gates, hiddenN, hPrev, gradH, $0, $1, $2, $3, batch, H) }
        let portable = run {
            portableGRUStepBackward(gates: gates, hiddenN: hiddenN, hPrev: hPrev, gradH: gradH, gradInputGates: $0,
                                    gradHiddenGates: $1, gradHiddenN: $2, gradHPrev: $3, batch: batch, hidden: H)
        }
        for (i, name) in ["input-side gate gradients", "hidden-side gate gradients", "hidden n gradient", "direct path"].enumerated() {
            XCTAssertEqual(wide[i], portable[i], name)
        }
    }
}
