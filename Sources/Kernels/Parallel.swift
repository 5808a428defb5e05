import Foundation
import Dispatch
import CBLAS

/// A raw pointer that may cross into the workers of `parallelFor`. The caller guarantees that
/// workers touch disjoint elements (or only read).
public struct SharedPointer<T>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<T>
    public init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
    public init(_ pointer: UnsafePointer<T>) { self.pointer = UnsafeMutablePointer(mutating: pointer) }
}

/// The number of worker threads kernels split their work over: the machine's active cores
/// (at most 8), or `GLIMPSE_THREADS` when set. Reading it also puts OpenBLAS in single-threaded
/// mode once: Glimpse does its own threading (see `gemm`).
public let kernelWorkers: Int = {
    openblas_set_num_threads(1)
    if let text = ProcessInfo.processInfo.environment["GLIMPSE_THREADS"], let n = Int(text), n >= 1 { return min(n, 64) }
    return max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
}()

/// Runs `body(worker)` for `worker` in `0..<workers` on separate threads (inline when 1).
/// Products inside `body` should pass `threads: 1` to `gemm`.
public func parallelFor(workers: Int, _ body: @Sendable (Int) -> Void) {
    if workers <= 1 {
        body(0)
        return
    }
    DispatchQueue.concurrentPerform(iterations: workers, execute: body)
}

/// The half-open range of `total` items that worker `worker` of `workers` takes (contiguous, balanced).
@inline(__always)
public func workerRange(_ worker: Int, of workers: Int, total: Int) -> Range<Int> {
    (worker * total / workers)..<((worker + 1) * total / workers)
}

