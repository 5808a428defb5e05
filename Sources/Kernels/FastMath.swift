/// Vectorised exp, sigmoid and tanh for the recurrent cells' element-wise passes (Cephes
/// single-precision polynomials, about 2 ulp over the range that matters), 8 lanes at a time.
public typealias Float8 = SIMD8<Float>

/// `e^x` (inputs clamped to [-87.3, 88.3] so the result stays finite and normal).
/// Range reduction `x = n ln2 + r` with n rounded to nearest by the 1.5 * 2^23 trick, a degree-6
/// polynomial for `e^r`, and `2^n` built in the exponent bits: only arithmetic, compares and
/// bit casts, so every line is one vector instruction.
@inlinable @inline(__always)
public func fastExp(_ input: Float8) -> Float8 {
    let low = Float8(repeating: -87.3), high = Float8(repeating: 88.3)
    var x = input.replacing(with: low, where: input .< low)
    x.replace(with: high, where: x .> high)
    let magic = Float8(repeating: 12_582_912)   // 1.5 * 2^23: adding it rounds to an integer
    let shifted = magic.addingProduct(x, Float8(repeating: 1.44269504088896341))
    let n = shifted - magic
    x = x.addingProduct(n, Float8(repeating: -0.693359375))
    x = x.addingProduct(n, Float8(repeating: 2.12194440e-4))
    let z = x * x
    var y: Float8 = Float8(repeating: 1.9875691500e-4)
    y = Float8(repeating: 1.3981999507e-3).addingProduct(y, x)
    y = Float8(repeating: 8.3334519073e-3).addingProduct(y, x)
    y = Float8(repeating: 4.1665795894e-2).addingProduct(y, x)
    y = Float8(repeating: 1.6666665459e-1).addingProduct(y, x)
    y = Float8(repeating: 5.0000001201e-1).addingProduct(y, x)
    y = (x + 1).addingProduct(y, z)
    // The low mantissa bits of `shifted` hold n; move n + 127 into the exponent field.
    let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    let scale = unsafeBitCast((integer &+ 127) &<< 23, to: Float8.self)
    return y * scale
}

/// `1 / (1 + e^-x)`.
@inlinable @inline(__always)
public func fastSigmoid(_ x: Float8) -> Float8 {
    1 / (1 + fastExp(-x))
}

/// `tanh(x)` as a rational function, `x P(x^2) / Q(x^2)` with P of degree 6 and Q of degree 3 in
/// x^2 (the minimax fit Eigen uses), x clamped to +-7.9053 where tanh is 1 to float precision:
/// about 4e-7 from libm at worst, a third of the instructions of an exp-based form.
@inlinable @inline(__always)
public func fastTanh(_ input: Float8) -> Float8 {
    let bound = Float8(repeating: 7.90531110763549805)
    var x = input.replacing(with: bound, where: input .> bound)
    x.replace(with: -bound, where: x .< -bound)
    let z = x * x
    var p = Float8(repeating: -2.76076847742355e-16)
    p = Float8(repeating: 2.00018790482477e-13).addingProduct(p, z)
    p = Float8(repeating: -8.60467152213735e-11).addingProduct(p, z)
    p = Float8(repeating: 5.12229709037114e-08).addingProduct(p, z)
    p = Float8(repeating: 1.48572235717979e-05).addingProduct(p, z)
    p = Float8(repeating: 6.37261928875436e-04).addingProduct(p, z)
    p = Float8(repeating: 4.89352455891786e-03).addingProduct(p, z)
    var q = Float8(repeating: 1.19825839466702e-06)
    q = Float8(repeating: 1.18534705686654e-04).addingProduct(q, z)
    q = Float8(repeating: 2.26843463243900e-03).addingProduct(q, z)
    q = Float8(repeating: 4.89352518554385e-03).addingProduct(q, z)
    return x * p / q
}

/// Scalar versions (one lane of the vector code, so scalar tails agree with vector bodies).
@inlinable @inline(__always) public func fastExp(_ x: Float) -> Float { fastExp(Float8(repeating: x))[0] }
@inlinable @inline(__always) public func fastSigmoid(_ x: Float) -> Float { fastSigmoid(Float8(repeating: x))[0] }
@inlinable @inline(__always) public func fastTanh(_ x: Float) -> Float { fastTanh(Float8(repeating: x))[0] }

/// Loads 8 floats from `p` (no alignment needed).
@usableFromInline @inline(__always)
func load8(_ p: UnsafePointer<Float>) -> Float8 {
    UnsafeRawPointer(p).loadUnaligned(as: Float8.self)
}

/// Stores 8 floats at `p` (no alignment needed).
@usableFromInline @inline(__always)
func store8(_ v: Float8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self)
}
