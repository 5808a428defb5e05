"""Timing and output helpers shared by the PyTorch benchmark scripts (same rules as glimpse-bench)."""
import json
import time


def seconds_per_call(body, minimum_time):
    """One warm-up call, then the best of three rounds' mean time per call (each round at least
    a third of `minimum_time` and two calls), as glimpse-bench's secondsPerCall."""
    body()
    best = float("inf")
    for _ in range(3):
        runs, start = 0, time.perf_counter()
        while True:
            body()
            runs += 1
            elapsed = time.perf_counter() - start
            if elapsed >= minimum_time / 3 and runs >= 2:
                break
        best = min(best, elapsed / runs)
    return best


def emit(benchmark, metric, value, unit):
    """One JSON line with glimpse-bench's keys."""
    print(json.dumps({"benchmark": benchmark, "metric": metric, "value": round(value, 4), "unit": unit}), flush=True)
