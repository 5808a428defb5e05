#!/usr/bin/env bash
# Side-by-side speed comparison with PyTorch eager on this machine, in one run:
# glimpse-bench --json, then the PyTorch scripts of this folder with the same configurations,
# then a table of Glimpse / PyTorch ratios. PyTorch (CPU build) is installed only for this run,
# into a virtualenv outside the repository ($GLIMPSE_TORCH_VENV, default ~/.cache/glimpse-torch).
#   usage: Scripts/bench/compare.sh [rnn|lm-cli|captioner|all] [--repeat N]
#   (lm-cli: the recurrent configurations through `glimpse lm train` and `glimpse lm sample`;
#   --repeat: run Glimpse and PyTorch alternately N times and report medians, as this shared
#   machine's speed drifts by 10-20% over minutes). Each round starts and ends by measuring the
#   core-to-core round trip (glimpse-bench --only cores), printed at the end: batch-1 sampling and
#   decoding slow down when it is high.
set -euo pipefail
cd "$(dirname "$0")/../.."
group="${1:-rnn}"
repeat=1
if [ "${2:-}" = "--repeat" ]; then repeat="${3:-3}"; fi
venv="${GLIMPSE_TORCH_VENV:-$HOME/.cache/glimpse-torch}"
if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
    echo "compare: installing PyTorch (CPU) into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'torch==2.13.0+cpu' numpy
fi
swift build -c release --product glimpse-bench >&2
swift build -c release --product glimpse >&2
out="$(mktemp -d)"
: > "$out/glimpse.jsonl"; : > "$out/pytorch.jsonl"
run_glimpse() { .build/release/glimpse-bench --json --only "$1" | tee -a "$out/glimpse.jsonl" >&2; }
run_torch() { "$venv/bin/python" "$@" | tee -a "$out/pytorch.jsonl" >&2; }
: > "$out/cores.jsonl"
for _ in $(seq "$repeat"); do
.build/release/glimpse-bench --json --only cores >> "$out/cores.jsonl"
case "$group" in
    rnn) run_glimpse rnn-train; run_glimpse rnn-sample; run_torch Scripts/bench/pytorch_recurrent.py ;;
    lm-cli) Scripts/bench/lm_cli.sh | tee -a "$out/glimpse.jsonl" >&2; run_torch Scripts/bench/pytorch_recurrent.py ;;
    captioner)
        # Training and decoding in separate processes, so each peak memory is the training's own.
        run_glimpse captioner-train; run_torch Scripts/bench/pytorch_captioner.py train
        run_glimpse captioner-decode; run_torch Scripts/bench/pytorch_captioner.py decode ;;
    all)
        run_glimpse sgemm; run_glimpse conv; run_glimpse rnn-train; run_glimpse rnn-sample; run_torch Scripts/bench/pytorch_recurrent.py
        run_glimpse captioner-train; run_torch Scripts/bench/pytorch_captioner.py train
        run_glimpse captioner-decode; run_torch Scripts/bench/pytorch_captioner.py decode ;;
    *) run_glimpse "$group" ;;
esac
.build/release/glimpse-bench --json --only cores >> "$out/cores.jsonl"
done
python3 Scripts/bench/ratio_table.py "$out/glimpse.jsonl" "$out/pytorch.jsonl"
echo "core-to-core round trip at the start and end of each round, ns: $(python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print(", ".join(str(round(r["value"])) for r in rows if r["benchmark"] == "core_to_core_round_trip"))' "$out/cores.jsonl")"
