#!/usr/bin/env bash
# The recurrent benchmarks' configurations run end to end through the command line: `glimpse lm
# train` on tiny Shakespeare (2 layers of 256, embedding 64, sequence 64, batch 32, Adam, clip 5,
# no dropout, one epoch; its tokens/s as the epoch summary reports it) and `glimpse lm sample`
# (20,000 characters, timed with the process start and model load included), for LSTM and GRU.
# Prints JSON lines with glimpse-bench's names, so compare.sh can put them beside PyTorch's.
#   usage: Scripts/bench/lm_cli.sh   (after `swift build -c release`)
set -euo pipefail
cd "$(dirname "$0")/../.."
glimpse=.build/release/glimpse
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for cell in lstm gru; do
    "$glimpse" lm train data/tinyshakespeare.txt --out "$work/$cell" --cell "$cell" --layers 2 --hidden 256 --embedding 64 \
        --seq-length 64 --batch-size 32 --optimizer adam --learning-rate 2e-3 --grad-clip 5 --dropout 0 --epochs 1 --seed 0 \
        > "$work/$cell.log"
    rate=$(grep -E '^epoch 1: ' "$work/$cell.log" | sed -E 's/.* ([0-9.]+) tokens\/s$/\1/')
    echo "{\"benchmark\": \"char_${cell}_train_h256_l2_t64_b32\", \"metric\": \"tokens_per_second\", \"value\": $rate, \"unit\": \"tokens/s\"}"
    start=$(date +%s.%N)
    "$glimpse" lm sample --model "$work/$cell" --length 20000 --seed 1 > /dev/null
    end=$(date +%s.%N)
    rate=$(python3 -c "print(round(20000 / ($end - $start), 1))")
    echo "{\"benchmark\": \"char_${cell}_sample_h256_l2_b1\", \"metric\": \"characters_per_second\", \"value\": $rate, \"unit\": \"chars/s\"}"
done
