"""Prints how many times better Glimpse is than PyTorch for each benchmark both JSON-lines files name:
Glimpse / PyTorch for rates, PyTorch / Glimpse for times and memory (above 1: Glimpse is ahead)."""
import json
import sys


def read(path):
    rows = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                row = json.loads(line)
                rows[(row["benchmark"], row["metric"])] = row
    return rows


glimpse, pytorch = read(sys.argv[1]), read(sys.argv[2])
print(f"{'benchmark':40} {'metric':24} {'glimpse':>12} {'pytorch':>12} {'ratio':>7}")
for key in sorted(glimpse):
    if key not in pytorch:
        continue
    g, p = glimpse[key]["value"], pytorch[key]["value"]
    unit = glimpse[key]["unit"]
    # For times and memory lower is better: the ratio is PyTorch / Glimpse (speed-up).
    ratio = p / g if unit in ("ms", "MB") else g / p
    print(f"{key[0]:40} {key[1]:24} {g:12.1f} {p:12.1f} {ratio:6.2f}x")
