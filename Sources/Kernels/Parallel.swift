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
/// mode once and ends the threads OpenBLAS started: Glimpse does its own threading (see `gemm`).
public let kernelWorkers: Int = {
    openblas_set_num_threads(1)
    glimpse_end_blas_threads()
    if let text = ProcessInfo.processInfo.environment["GLIMPSE_THREADS"], let n = Int(text), n >= 1 { return min(n, 64) }
    return max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
}()

/// Runs `body(worker)` once for each `worker` in `0..<workers`, spread over the cores by
/// `SpinTeam.shared` (inline when 1, or when called from inside another parallel job).
/// Products inside `body` should pass `threads: 1` to `gemm`.
public func parallelFor(workers: Int, _ body: @Sendable (Int) -> Void) {
    if workers <= 1 {
        body(0)
        return
    }
    SpinTeam.shared.run(parts: workers, body)
}

/// Runs `body` over contiguous slices of `0..<count`, one slice per core when every slice gets at
/// least `minimumPerSlice` items, else over the whole range on the calling thread. For
/// element-wise passes, whose items are independent.
public func forEachSlice(of count: Int, minimumPerSlice: Int, _ body: (Range<Int>) -> Void) {
    forEachSlice(of: count, slices: sliceCount(of: count, minimumPerSlice: minimumPerSlice)) { _, range in body(range) }
}

/// `forEachSlice` over `count` items of `itemSize` floats each (planes, channels, images), each
/// slice worth `elementwiseSliceMinimum` floats at least.
public func forEachSlice(of count: Int, itemSize: Int, _ body: (Range<Int>) -> Void) {
    forEachSlice(of: count, minimumPerSlice: elementwiseSliceMinimum / max(1, itemSize), body)
}

/// How many slices `forEachSlice(of:itemSize:)` cuts `count` items of `itemSize` floats into.
public func sliceCount(of count: Int, itemSize: Int) -> Int {
    sliceCount(of: count, minimumPerSlice: elementwiseSliceMinimum / max(1, itemSize))
}

/// How many slices `forEachSlice(of:minimumPerSlice:)` cuts `count` items into (at least 1).
public func sliceCount(of count: Int, minimumPerSlice: Int) -> Int {
    max(1, min(kernelWorkers, count / max(1, minimumPerSlice)))
}

/// Runs `body(slice, range)` for `slices` contiguous, balanced slices of `0..<count` over the
/// cores; the slice number lets each write its own partial sums.
public func forEachSlice(of count: Int, slices: Int, _ body: (_ slice: Int, _ range: Range<Int>) -> Void) {
    if count <= 0 { return }
    if slices <= 1 {
        body(0, 0..<count)
        return
    }
    SpinTeam.shared.run(parts: slices) { slice in body(slice, workerRange(slice, of: slices, total: count)) }
}

/// Items an element-wise slice should have before it is worth a core: about 10 µs of streaming.
public let elementwiseSliceMinimum = 32 * 1024

/// The half-open range of `total` items that worker `worker` of `workers` takes (contiguous, balanced).
@inline(__always)
public func workerRange(_ worker: Int, of workers: Int, total: Int) -> Range<Int> {
    (worker * total / workers)..<((worker + 1) * total / workers)
}

