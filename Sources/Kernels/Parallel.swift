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

/// The number of worker threads kernels split their loops over: the machine's active cores, at most 8.
public let kernelWorkers: Int = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

/// Runs `body(worker)` for `worker` in `0..<workers` on separate threads (inline when 1), with
/// OpenBLAS held to one thread meanwhile so the workers' own products do not oversubscribe the cores.
public func parallelFor(workers: Int, _ body: @Sendable (Int) -> Void) {
    if workers <= 1 {
        body(0)
        return
    }
    let blas = Int(openblas_get_num_threads())
    if blas != 1 { openblas_set_num_threads(1) }
    DispatchQueue.concurrentPerform(iterations: workers, execute: body)
    if blas != 1 { openblas_set_num_threads(Int32(blas)) }
}

/// The half-open range of `total` items that worker `worker` of `workers` takes (contiguous, balanced).
@inline(__always)
public func workerRange(_ worker: Int, of workers: Int, total: Int) -> Range<Int> {
    (worker * total / workers)..<((worker + 1) * total / workers)
}

