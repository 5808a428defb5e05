/// Batch normalisation in training mode over `[B, C, P]` (P spatial positions):
/// `mean_c`, `var_c` (biased) over B and P; `xhat = (x - mean_c) / sqrt(var_c + eps)`;
/// `y = weight_c * xhat + bias_c`. Writes `mean`, `variance` (biased), `invStd` (`[C]`) and
/// `xhat` (`[B, C, P]`) for the backward and the running-statistics update.
public func batchNormTrainingForward(
    x: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int, eps: Float,
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>, invStd: UnsafeMutablePointer<Float>,
    xhat: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>
) {
    let n = Double(batch * plane)
    for c in 0..<channels {
        var s = 0.0
        for b in 0..<batch {
            let row = x + (b * channels + c) * plane
            var t: Float = 0
            for p in 0..<plane { t += row[p] }
            s += Double(t)
        }
        let m = s / n
        var v = 0.0
        for b in 0..<batch {
            let row = x + (b * channels + c) * plane
            var t: Float = 0
            let mf = Float(m)
            for p in 0..<plane { let d = row[p] - mf; t += d * d }
            v += Double(t)
        }
        v /= n
        let inv = Float(1 / (v + Double(eps)).squareRoot())
        mean[c] = Float(m); variance[c] = Float(v); invStd[c] = inv
        let w = weight[c], bb = bias[c], mf = Float(m)
        for b in 0..<batch {
            let offset = (b * channels + c) * plane
            for p in 0..<plane {
                let h = (x[offset + p] - mf) * inv
                xhat[offset + p] = h
                y[offset + p] = w * h + bb
            }
        }
    }
}

/// Backward of training-mode batch norm (N = B * P):
/// `gx = weight * invStd / N * (N * gy - sum(gy) - xhat * sum(gy * xhat))`,
/// `gWeight += sum(gy * xhat)`, `gBias += sum(gy)`. Each gradient is optional.
public func batchNormTrainingBackward(
    gradY: UnsafePointer<Float>, xhat: UnsafePointer<Float>, invStd: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    batch: Int, channels: Int, plane: Int,
    gradX: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?
) {
    let n = Float(batch * plane)
    for c in 0..<channels {
        // Sums in Double: the input gradient is a small difference of large terms.
        var sumG = 0.0, sumGH = 0.0
        for b in 0..<batch {
            let offset = (b * channels + c) * plane
            var g: Float = 0, gh: Float = 0
            for p in 0..<plane { g += gradY[offset + p]; gh += gradY[offset + p] * xhat[offset + p] }
            sumG += Double(g); sumGH += Double(gh)
        }
        gradWeight?[c] += Float(sumGH)
        gradBias?[c] += Float(sumG)
        guard let gradX else { continue }
        // gx = w invStd (gy - mean(gy) - xhat mean(gy xhat))
        let k = weight[c] * invStd[c]
        let meanG = Float(sumG / Double(n)), meanGH = Float(sumGH / Double(n))
        for b in 0..<batch {
            let offset = (b * channels + c) * plane
            for p in 0..<plane {
                gradX[offset + p] += k * (gradY[offset + p] - meanG - xhat[offset + p] * meanGH)
            }
        }
    }
}

/// Batch normalisation with fixed statistics (evaluation mode):
/// `xhat = (x - runningMean_c) / sqrt(runningVar_c + eps)`, `y = weight_c * xhat + bias_c`.
/// Writes `invStd` and `xhat` for the backward.
public func batchNormInferenceForward(
    x: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int, eps: Float,
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    runningMean: UnsafePointer<Float>, runningVariance: UnsafePointer<Float>,
    invStd: UnsafeMutablePointer<Float>, xhat: UnsafeMutablePointer<Float>?, y: UnsafeMutablePointer<Float>
) {
    for c in 0..<channels {
        let inv = 1 / (runningVariance[c] + eps).squareRoot()
        invStd[c] = inv
        let m = runningMean[c], w = weight[c], bb = bias[c]
        for b in 0..<batch {
            let offset = (b * channels + c) * plane
            for p in 0..<plane {
                let h = (x[offset + p] - m) * inv
                xhat?[offset + p] = h
                y[offset + p] = w * h + bb
            }
        }
    }
}

/// Backward of evaluation-mode batch norm: `gx += gy * weight * invStd`,
/// `gWeight += sum(gy * xhat)`, `gBias += sum(gy)`.
public func batchNormInferenceBackward(
    gradY: UnsafePointer<Float>, xhat: UnsafePointer<Float>, invStd: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    batch: Int, channels: Int, plane: Int,
    gradX: UnsafeMutablePointer<Float>?, gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?
) {
    for c in 0..<channels {
        var sumG: Float = 0, sumGH: Float = 0
        let k = weight[c] * invStd[c]
        for b in 0..<batch {
            let offset = (b * channels + c) * plane
            for p in 0..<plane {
                let g = gradY[offset + p]
                sumG += g; sumGH += g * xhat[offset + p]
                gradX?[offset + p] += g * k
            }
        }
        gradWeight?[c] += sumGH
        gradBias?[c] += sumG
    }
}
