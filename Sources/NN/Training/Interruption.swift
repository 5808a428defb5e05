#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C during training: the first SIGINT asks the loop to save and stop at the next batch
/// boundary; a second one ends the program at once.
public enum Interruption {
    nonisolated(unsafe) private static var requested: sig_atomic_t = 0

    /// Installs the handler (idempotent).
    public static func install() {
        signal(SIGINT) { _ in
            if Interruption.requested != 0 { _exit(130) }
            Interruption.requested = 1
        }
    }

    /// Whether a stop was asked for.
    public static var isRequested: Bool { requested != 0 }

    /// Forgets a request (tests).
    public static func reset() { requested = 0 }
}
