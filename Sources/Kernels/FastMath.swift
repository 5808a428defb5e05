/// Vectorised exp, sigmoid and tanh for the recurrent cells' element-wise passes (Cephes
/// single-precision polynomials, about 2 ulp over the range that matters), 8 lanes at a time.
public typealias Float8 = SIMD8<Float>

/// `e^x` (inputs clamped to [-87.3, 88.3] so the result stays finite and normal).
/// Range reduction `x = n ln2 + r` with n rounded to nearest by the 1.5 * 2^23 trick, a degree-6
/// polynomial for `e^r`, and `2^n` built in the exponent bits: only arithmetic, compares and
/// bit casts, so every line is one vector instruction.
@inline(__always)
public func fastExp(_ input: Float8) -> Float8 {
    let low = Float8(repeating: -87.3), high = Float8(repeating: 88.3)
    var x = input.replacing(with: low, where: input .< low)
    x.replace(with: high, where: x .> high)
    let magic = Float8(repeating: 12_582_912)   // 1.5 * 2^23: adding it rounds to an integer
    let shifted = x * 1.44269504088896341 + magic
    let n = shifted - magic
    x = x - n * 0.693359375
    x = x - n * -2.12194440e-4
    let z = x * x
    var y: Float8 = Float8(repeating: 1.9875691500e-4)
    y = y * x + 1.3981999507e-3
    y = y * x + 8.3334519073e-3
    y = y * x + 4.1665795894e-2
    y = y * x + 1.6666665459e-1
    y = y * x + 5.0000001201e-1
    y = y * z + x + 1
    // The low mantissa bits of `shifted` hold n; move n + 127 into the exponent field.
    let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    let scale = unsafeBitCast((integer &+ 127) &<< 23, to: Float8.self)
    return y * scale
}

/// `1 / (1 + e^-x)`.
@inline(__always)
public func fastSigmoid(_ x: Float8) -> Float8 {
    1 / (1 + fastExp(-x))
}

/// `tanh(x)`: an odd polynomial for |x| < 0.625, `sign(x) (1 - 2 / (e^{2|x|} + 1))` beyond.
@inline(__always)
public func fastTanh(_ x: Float8) -> Float8 {
    let a = x.replacing(with: -x, where: x .< 0)
    let z = x * x
    var p: Float8 = Float8(repeating: -5.70498872745e-3)
    p = p * z + 2.06390887954e-2
    p = p * z - 5.37397155531e-2
    p = p * z + 1.33314422036e-1
    p = p * z - 3.33332819422e-1
    let small = p * z * x + x
    let e = fastExp(2 * a)
    var large = 1 - 2 / (e + 1)
    large.replace(with: -large, where: x .< 0)
    var result = large
    result.replace(with: small, where: a .< 0.625)
    return result
}

/// Scalar versions (one lane of the vector code, so scalar tails agree with vector bodies).
@inline(__always) public func fastExp(_ x: Float) -> Float { fastExp(Float8(repeating: x))[0] }
@inline(__always) public func fastSigmoid(_ x: Float) -> Float { fastSigmoid(Float8(repeating: x))[0] }
@inline(__always) public func fastTanh(_ x: Float) -> Float { fastTanh(Float8(repeating: x))[0] }

/// Loads 8 floats from `p` (no alignment needed).
@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> Float8 {
    UnsafeRawPointer(p).loadUnaligned(as: Float8.self)
}

/// Stores 8 floats at `p` (no alignment needed).
@inline(__always)
func store8(_ v: Float8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self)
}
