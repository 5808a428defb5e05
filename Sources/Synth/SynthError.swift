/// Why synthetic data could not be made or written.
public enum SynthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A hold-out list entry is not a colour and a shape, or it leaves nothing to train on.
    case invalidHoldOut(String)
    /// A bad argument to the generator (count, side, split fractions).
    case invalidArgument(String)
    /// A file or folder could not be written: its path and the reason.
    case writeFailed(path: String, reason: String)
    /// A dataset file could not be read: its path, the 1-based line (0 if none applies) and the reason.
    case readFailed(path: String, line: Int, reason: String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .invalidHoldOut(let reason): "invalid --hold-out: \(reason)"
        case .invalidArgument(let reason): "invalid argument: \(reason)"
        case .writeFailed(let path, let reason): "cannot write \(path): \(reason)"
        case .readFailed(let path, let line, let reason): line > 0 ? "\(path):\(line): \(reason)" : "cannot read \(path): \(reason)"
        }
    }
}
