"""Prints how many times better Glimpse is than PyTorch for each benchmark both JSON-lines files name:
Glimpse / PyTorch for rates, PyTorch / Glimpse for times and memory (above 1: Glimpse is ahead).
With several runs of each (compare.sh --repeat), the medians, and the range of the run-by-run ratios."""
import json
import sys


def read(path):
    """Every value of each (benchmark, metric), in file order, and its unit."""
    rows = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                row = json.loads(line)
                values, _ = rows.setdefault((row["benchmark"], row["metric"]), ([], row["unit"]))
                values.append(row["value"])
    return rows


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


glimpse, pytorch = read(sys.argv[1]), read(sys.argv[2])
repeated = any(len(v) > 1 for v, _ in list(glimpse.values()) + list(pytorch.values()))
print(f"{'benchmark':40} {'metric':24} {'glimpse':>12} {'pytorch':>12} {'ratio':>7}" + ("   ratio range (runs)" if repeated else ""))
for key in sorted(glimpse):
    if key not in pytorch:
        continue
    (gs, unit), (ps, _) = glimpse[key], pytorch[key]
    # For times and memory lower is better: the ratio is PyTorch / Glimpse (speed-up).
    better = (lambda g, p: p / g) if unit in ("ms", "MB") else (lambda g, p: g / p)
    g, p = median(gs), median(ps)
    line = f"{key[0]:40} {key[1]:24} {g:12.1f} {p:12.1f} {better(g, p):6.2f}x"
    if repeated:
        # Run i of Glimpse beside run i of PyTorch (they alternate in time).
        pairs = [better(a, b) for a, b in zip(gs, ps)]
        line += f"   {min(pairs):.2f}-{max(pairs):.2f}x ({len(pairs)})"
    print(line)
