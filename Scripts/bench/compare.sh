#!/usr/bin/env bash
# Side-by-side speed comparison with PyTorch eager on this machine, in one run:
# glimpse-bench --json, then the PyTorch scripts of this folder with the same configurations,
# then a table of Glimpse / PyTorch ratios. PyTorch (CPU build) is installed only for this run,
# into a virtualenv outside the repository ($GLIMPSE_TORCH_VENV, default ~/.cache/glimpse-torch).
#   usage: Scripts/bench/compare.sh [rnn|conv|all]
set -euo pipefail
cd "$(dirname "$0")/../.."
group="${1:-rnn}"
venv="${GLIMPSE_TORCH_VENV:-$HOME/.cache/glimpse-torch}"
if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
    echo "compare: installing PyTorch (CPU) into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'torch==2.13.0+cpu' numpy
fi
swift build -c release --product glimpse-bench >&2
out="$(mktemp -d)"
only=()
[ "$group" != "all" ] && only=(--only "$group")
.build/release/glimpse-bench --json "${only[@]}" | tee "$out/glimpse.jsonl" >&2
case "$group" in
    rnn|all) "$venv/bin/python" Scripts/bench/pytorch_recurrent.py | tee "$out/pytorch.jsonl" >&2 ;;
    *) : > "$out/pytorch.jsonl" ;;
esac
python3 Scripts/bench/ratio_table.py "$out/glimpse.jsonl" "$out/pytorch.jsonl"
