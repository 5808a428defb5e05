import Kernels

/// Scales all gradients in `parameters` so their global L2 norm is at most `maxNorm`
/// (`torch.nn.utils.clip_grad_norm_`): `coef = maxNorm / (norm + 1e-6)`, applied when below 1.
/// Returns the norm before clipping (accumulated in Double).
@discardableResult
public func clipGradientNorm(_ parameters: ParameterRange, maxNorm: Float) -> Float {
    let g = parameters.gradients
    let norm = Float(sumOfSquares(g, count: parameters.count).squareRoot())
    let coefficient = maxNorm / (norm + 1e-6)
    if coefficient < 1 { scaleInPlace(g, count: parameters.count, by: coefficient) }
    return norm
}

/// Clamps every gradient in `parameters` to `[-clipValue, clipValue]` (`clip_grad_value_`).
public func clipGradientValue(_ parameters: ParameterRange, clipValue: Float) {
    let g = parameters.gradients
    for i in 0..<parameters.count { g[i] = min(max(g[i], -clipValue), clipValue) }
}
