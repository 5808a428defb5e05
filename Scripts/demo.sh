#!/usr/bin/env bash
# `make demo`: what Glimpse does, with the bundled models (each step is skipped, saying so, when
# its model is not in models/).
set -euo pipefail
cd "$(dirname "$0")/.."
glimpse=.build/release/glimpse
out=out/demo
mkdir -p "$out"

echo "== The numeric core: a tiny network learns XOR"
"$glimpse" demo --steps 200 | tail -3

if [ -f models/shapes/config.json ]; then
    echo
    echo "== Captioning synthetic scenes (models/shapes)"
    "$glimpse" synth --out "$out/shapes" --count 6 --seed 2026 --train-fraction 0.5 --val-fraction 0.5 > /dev/null
    for scene in "$out"/shapes/images/*.png; do
        "$glimpse" caption --model models/shapes --beam 3 "$scene"
    done
    first=$(ls "$out"/shapes/images/*.png | head -1)
    "$glimpse" attention --model models/shapes "$first" --out "$out/shapes-attention" | tail -1
else
    echo "(models/shapes not found: skipping the synthetic-scene captions)"
fi

if [ -f models/flickr8k/config.json ]; then
    echo
    echo "== Captioning photographs (models/flickr8k)"
    "$glimpse" caption --model models/flickr8k --beam 3 data/examples/*.jpg data/examples/*.png
    for photo in data/examples/chelsea.jpg data/examples/astronaut.jpg; do
        name=$(basename "$photo" .jpg)
        "$glimpse" attention --model models/flickr8k --beam 3 "$photo" --out "$out/attention-$name" | tail -1
    done
else
    echo "(models/flickr8k not found: skipping the photo captions; train it with the command in the README)"
fi

if [ -f models/shakespeare/config.json ]; then
    echo
    echo "== A character LSTM's Shakespeare (models/shakespeare)"
    "$glimpse" lm sample --model models/shakespeare --prime "ROMEO:" --length 300 --temperature 0.7 --seed 1
    "$glimpse" lm score --model models/shakespeare "To be, or not to be, that is the question." | head -2
fi
echo
echo "Outputs (attention overlays, grids, alphas.json) are in $out/"
