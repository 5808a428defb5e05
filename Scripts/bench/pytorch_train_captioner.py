"""Train Glimpse's captioning model in PyTorch the way `glimpse train` does (issue #5 baseline).

What it is
----------
The model is Scripts/reference/captioner_model.py (DESIGN.md's reference captioner, the one the
parity fixtures use). This script reproduces `glimpse train`'s data pipeline and training loop
(Sources/Captioning/Training/CaptionTrainer.swift, CaptionSet.swift, CaptionTrainingOptions.swift)
so that "Glimpse BLEU-4 vs PyTorch BLEU-4" compares the same model, data, settings and epochs:

* data: the Karpathy split file (`dataset_*.json`, what `glimpse train --data FOLDER` picks first),
  images of split train/restval for training and val for validation, in file order; the file's
  own `tokens` for training captions, the raw captions (trimmed) as references; captions longer
  than the vocabulary's maximum length left out; images without a file or that fail to decode left out;
* vocabulary: `--vocab FILE` (a Glimpse vocab.json, ids used as they are), or built as Glimpse
  builds it (its tokenizer on the raw training captions, count >= min, most frequent first, ties
  alphabetical, <pad> <start> <end> <unk> = 0..3);
* images: decoded once into an 8-bit cache (Pillow; a JPEG decoded at 1/2, 1/4 or 1/8 in the IDCT
  when still at least the image side on both axes, as Glimpse's decoder), squashed to S x S by exact
  area averaging (Glimpse's `ResizeFilter.antialiased`, ported: same weights, float32, rows then
  columns, rounded half up), normalised with ImageNet mean/std in float32 as Glimpse's table;
* initial weights: by default Glimpse's own (its xoshiro256** generator seeded like `Captioner(seed:)`,
  the same draws in the same order: kaiming-uniform bounds, N(0, 1) embedding), so both runs start
  from the same weights; `--init torch` uses PyTorch's default initialisation instead;
* batches: Glimpse's batch order (its generator seeded with seed * 1000003 + epoch and Swift's
  Fisher-Yates shuffle), each batch B images with ALL their captions as rows, the encoder run once
  per image (BatchNorm statistics over the B images), features repeated per caption row;
* loss: mean cross entropy over the real targets through <end> + alpha_c * mean over rows and
  locations of (1 - sum_t alpha)^2; dropout before fc;
* optimiser: Adam (PyTorch defaults, as Glimpse's) with separate encoder and decoder learning rates,
  global gradient-norm clipping over all parameters; after each epoch greedy decoding of the
  validation images (at most 20 tokens, 64 images at a time), the selection metric CIDEr-D, the best
  weights kept, both learning rates halved after 2 epochs without improvement, early stopping
  after `--patience` epochs without improvement;
* at the end, the best weights decode the validation split with beam search k = 3 (Glimpse's beam
  search: the live beam shrinks as hypotheses finish, at most 20 tokens, best finished by total
  log-probability, a partial one if none finished), written as `results_val_beam3.json` in COCO
  results format with Glimpse's image ids (Karpathy `imgid`), which `glimpse evaluate --results` scores.

What differs from Glimpse (cannot be the same): dropout masks (PyTorch's generator, `torch.manual_seed(seed)`),
floating-point summation order in every kernel (so the two runs drift apart after a few steps), and
JPEG decoding is Pillow's libjpeg-turbo rather than the system one (same IDCT method and upsampling,
so the cached pixels are expected to agree; see the check in the header of `load_images`).

Outputs in --out: log.jsonl (one line per epoch, Glimpse's keys), metrics.json, results_val_beam3.json,
results_val_greedy_epoch<N>.json (the validation captions of each epoch), and a Glimpse model folder
(config.json, vocab.json, weights.safetensors with the best weights), so `glimpse evaluate --model OUT`
can also decode the PyTorch-trained weights with Glimpse's own code.

How to run (the issue #5 comparison, same settings as `glimpse train --data ../shared/data/flickr8k
--out /tmp/f8k --image-size 128 --epochs 12 --seed 1`):

    /work/venv/bin/python Scripts/bench/pytorch_train_captioner.py --data ../shared/data/flickr8k \\
        --vocab /tmp/f8k/vocab.json --out /tmp/f8k_torch --image-size 128 --epochs 12 --seed 1 --threads 2
    .build/release/glimpse evaluate --data ../shared/data/flickr8k --split val \\
        --results /tmp/f8k_torch/results_val_beam3.json

Validation scores during training come from `glimpse evaluate --results` (the same scorer Glimpse
trains with) when the binary is found (`--glimpse`), else from pycocoevalcap (`--scorer coco`).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import json
import math
import os
import re
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
from captioner_model import END, START, UNK, Captioner, CaptionerConfig, captioning_loss  # noqa: E402

SPECIALS = ["<pad>", "<start>", "<end>", "<unk>"]
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
TOKENIZER_ID = "lowercase-letters-digits-v1"
IMAGE_FOLDERS = ["images", "Images", "Flicker8k_Dataset", "Flickr8k_Dataset", "Flickr30k_images", "flickr30k-images"]
# CaptionTrainingOptions constants that `glimpse train` has no flag for.
PLATEAU_FACTOR, PLATEAU_PATIENCE, MAX_DECODE_LENGTH, SELECTION_METRIC = 0.5, 2, 20, "cider"
VALIDATION_CHUNK = 64


# ---------------------------------------------------------------- Glimpse's random generator
MASK64 = (1 << 64) - 1


class GlimpseGenerator:
    """Sources/Autograd/Random.swift `SeededGenerator`: xoshiro256**, state from SplitMix64(seed)."""

    def __init__(self, seed: int) -> None:
        x, state = seed & MASK64, []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
            state.append(z ^ (z >> 31))
        self.state = state

    def words(self, n: int) -> list[int]:
        """The next n 64-bit outputs."""
        s0, s1, s2, s3 = self.state
        out = [0] * n
        for i in range(n):
            x = (s1 * 5) & MASK64
            out[i] = ((((x << 7) | (x >> 57)) & MASK64) * 9) & MASK64
            t = (s1 << 17) & MASK64
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = ((s3 << 45) | (s3 >> 19)) & MASK64
        self.state = [s0, s1, s2, s3]
        return out

    def below(self, upper: int) -> int:
        """Swift's `next(upperBound:)` for UInt64 (Lemire's nearly divisionless method)."""
        m = self.words(1)[0] * upper
        if (m & MASK64) < upper:
            t = ((-upper) & MASK64) % upper
            while (m & MASK64) < t:
                m = self.words(1)[0] * upper
        return m >> 64

    def uniform(self, n: int, low: np.float32, high: np.float32) -> np.ndarray:
        """n x `uniform(low, high)`: low + (high - low) * Float(next() >> 40) / 2^24, in float32."""
        u = (np.array(self.words(n), dtype=np.uint64) >> np.uint64(40)).astype(np.float32) * np.float32(1.0 / 16777216.0)
        return (np.float32(low) + (np.float32(high) - np.float32(low)) * u).astype(np.float32)

    def normal(self, n: int) -> np.ndarray:
        """n x `nextNormal()` (Box-Muller in Double with the C library's log and cos, then Float)."""
        w = self.words(2 * n)
        out = np.empty(n, dtype=np.float32)
        scale = 1.0 / 9007199254740992.0
        for i in range(n):
            u1 = (w[2 * i] >> 11) * scale
            if u1 < 1e-300:
                u1 = 1e-300
            u2 = (w[2 * i + 1] >> 11) * scale
            out[i] = math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
        return out


def glimpse_shuffle(count: int, generator: GlimpseGenerator) -> list[int]:
    """Swift's `MutableCollection.shuffle(using:)` of 0..<count (Fisher-Yates from the front)."""
    order = list(range(count))
    amount, i = count, 0
    while amount > 1:
        r = generator.below(amount)
        amount -= 1
        order[i], order[i + r] = order[i + r], order[i]
        i += 1
    return order


def batch_order(count: int, size: int, seed: int, epoch: int) -> list[list[int]]:
    """`CaptionSet.batchOrder(size:seed:epoch:)`."""
    order = glimpse_shuffle(count, GlimpseGenerator((seed * 1_000_003 + epoch) & MASK64))
    return [order[i:i + size] for i in range(0, count, size)]


def glimpse_initialisation(model: Captioner, seed: int) -> None:
    """Overwrite the parameters with the values `Captioner(configuration, seed:)` draws: one generator,
    parameters in creation order (= the state_dict order of captioner_model), Linear/Conv weights and
    biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)), LSTMCell U(-1/sqrt(H), 1/sqrt(H)), embedding N(0, 1),
    BatchNorm weight 1 / bias 0 (no draws)."""
    g = GlimpseGenerator(seed)
    hidden = model.config.hidden_size

    def bound(fan_in: int) -> np.float32:
        return np.float32(1) / np.sqrt(np.float32(max(fan_in, 1)))

    with torch.no_grad():
        for name, p in model.named_parameters():
            n = p.numel()
            if ".bn" in name:
                continue
            if name == "decoder.embedding.weight":
                values = g.normal(n)
            elif name.startswith("decoder.decode_step."):
                b = bound(hidden)
                values = g.uniform(n, -b, b)
            else:
                fan_in = n // p.shape[0] if p.dim() > 1 else None
                if fan_in is None:  # a bias: fan_in of its weight
                    fan_in = dict(model.named_parameters())[name[:-len("bias")] + "weight"][0].numel()
                b = bound(fan_in)
                values = g.uniform(n, -b, b)
            p.copy_(torch.from_numpy(values.reshape(tuple(p.shape))))


# ---------------------------------------------------------------- data
def tokenize(text: str) -> list[str]:
    """`CaptionTokenizer`: lowercase, every character that is not a letter or digit separates words."""
    if text.isascii():
        return re.findall(r"[a-z0-9]+", text.lower())
    words, current = [], []
    for ch in text.lower():
        if ch.isalpha() or ch.isnumeric():
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def locate_dataset(path: str) -> str:
    if os.path.isdir(path):
        names = sorted(n for n in os.listdir(path) if n.startswith("dataset_") and n.endswith(".json"))
        if len(names) != 1:
            sys.exit(f"{path}: expected one Karpathy split file dataset_*.json, found {names or 'none'} "
                     "(this script reads only the Karpathy format, which glimpse train picks first)")
        return os.path.join(path, names[0])
    if not path.endswith(".json"):
        sys.exit(f"{path}: this script reads only a Karpathy split file (dataset_*.json)")
    return path


def locate_images(caption_folder: str, relative_paths: list[str], given: str | None) -> str:
    if given:
        return given
    parent = os.path.dirname(caption_folder)
    candidates = [os.path.join(caption_folder, n) for n in IMAGE_FOLDERS] + [caption_folder]
    if parent and parent != caption_folder:
        candidates += [parent, os.path.join(parent, "images")]
    candidates = [c for c in candidates if os.path.isdir(c)]
    probes = relative_paths if len(relative_paths) <= 25 else [relative_paths[i * len(relative_paths) // 25] for i in range(25)]
    best, best_hits = None, 0
    for c in candidates:
        hits = sum(os.path.isfile(os.path.join(c, p)) for p in probes)
        if hits > best_hits:
            best, best_hits = c, hits
    if best is None:
        sys.exit(f"no image folder found beside {caption_folder}; pass --images")
    return best


def read_karpathy(path: str) -> list[dict]:
    """Images in file order: {path, image_id, split, captions (raw, trimmed), tokens}, skipping the
    entries Glimpse skips (no filename, no words, no tokens)."""
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    images, seen = [], {}
    for position, entry in enumerate(document.get("images", [])):
        filename = (entry.get("filename") or "").strip()
        if not filename or not isinstance(entry.get("sentences"), list):
            continue
        folder = (entry.get("filepath") or "").strip()
        relative = folder + "/" + filename if folder else filename
        split = entry.get("split") if entry.get("split") in ("train", "val", "test", "restval") else "unknown"
        if relative not in seen:
            seen[relative] = len(images)
            images.append({"path": relative, "image_id": entry.get("imgid", position), "split": split,
                           "captions": [], "tokens": []})
        image = images[seen[relative]]
        for sentence in entry["sentences"]:
            raw, tokens = sentence.get("raw"), sentence.get("tokens")
            if not isinstance(raw, str) or not isinstance(tokens, list):
                continue
            raw = raw.strip()
            if not raw or not any(ch.isalpha() or ch.isnumeric() for ch in raw) or not tokens:
                continue
            image["captions"].append(raw)
            image["tokens"].append(tokens)
    return [im for im in images if im["captions"]]


class Vocabulary:
    def __init__(self, words: list[str], minimum_count: int, maximum_length: int) -> None:
        if words[:4] != SPECIALS:
            raise ValueError("the first four words must be " + ", ".join(SPECIALS))
        self.words, self.minimum_count, self.maximum_length = words, minimum_count, maximum_length
        self.ids = {w: i for i, w in enumerate(words)}

    @classmethod
    def load(cls, path: str) -> "Vocabulary":
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        if d.get("format") != "glimpse-vocabulary" or d.get("tokenizer") != TOKENIZER_ID:
            sys.exit(f"{path}: not a Glimpse vocabulary built with tokenizer {TOKENIZER_ID}")
        return cls(d["words"], d["minimumCount"], d["maximumLength"])

    @classmethod
    def build(cls, images: list[dict], minimum_count: int, maximum_length: int) -> "Vocabulary":
        counts: dict[str, int] = {}
        for image in images:
            if image["split"] in ("train", "restval"):
                for caption in image["captions"]:
                    tokens = tokenize(caption)
                    if len(tokens) <= maximum_length:
                        for w in tokens:
                            counts[w] = counts.get(w, 0) + 1
        for s in SPECIALS:
            counts.pop(s, None)
        kept = sorted((w for w, c in counts.items() if c >= minimum_count), key=lambda w: (-counts[w], w))
        return cls(SPECIALS + kept, minimum_count, maximum_length)

    def file_text(self) -> str:
        lines = ["{", f'  "format": "glimpse-vocabulary",', '  "version": 1,', f'  "tokenizer": "{TOKENIZER_ID}",',
                 f'  "minimumCount": {self.minimum_count},', f'  "maximumLength": {self.maximum_length},',
                 f'  "count": {len(self.words)},', '  "words": [']
        lines.append(",\n".join("    " + json.dumps(w, ensure_ascii=False) for w in self.words))
        return "\n".join(lines) + "\n  ]\n}\n"

    def encode(self, tokens: list[str]) -> list[int] | None:
        if len(tokens) > self.maximum_length:
            return None
        return [START] + [self.ids.get(t, UNK) for t in tokens] + [END]

    def decode(self, ids) -> str:
        words = []
        for i in ids:
            i = int(i)
            if i == END:
                break
            if UNK < i < len(self.words):
                words.append(self.words[i])
        return " ".join(words)


# ---------------------------------------------------------------- images
def resample_weights(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """`ResampleWeights(inputSize: n, outputSize: m, filter: .antialiased)`: starts [m], weights [m, taps]."""
    scale = n / m
    rows = []
    for i in range(m):
        if n == 1:
            rows.append((0, [1.0]))
        elif n > m:
            low, high = i * scale, (i + 1) * scale
            first, last = math.floor(low), min(n, math.ceil(high))
            overlap = [max(0.0, min(float(j + 1), high) - max(float(j), low)) for j in range(first, last)]
            total = 0.0
            for o in overlap:
                total += o
            rows.append((first, [o / total for o in overlap]))
        else:
            centre = min(max((i + 0.5) * scale - 0.5, 0.0), float(n - 1))
            start = math.floor(centre)
            fraction = centre - start
            if start >= n - 1:
                start, fraction = n - 2, 1.0
            rows.append((start, [1 - fraction, fraction]))
    taps = max(len(w) for _, w in rows)
    starts = np.zeros(m, dtype=np.int64)
    weights = np.zeros((m, taps), dtype=np.float32)
    for i, (start, w) in enumerate(rows):
        s = min(start, n - taps)
        lead = start - s
        starts[i] = s
        weights[i, lead:lead + len(w)] = np.array(w, dtype=np.float64).astype(np.float32)
    return starts, weights


def squash(pixels: np.ndarray, side: int) -> np.ndarray:
    """`Image.squashed(to:)`: [H, W, 3] uint8 -> [side, side, 3] uint8, rows first, float32, half up."""
    h, w, _ = pixels.shape
    if h == side and w == side:
        return pixels
    xs, xw = resample_weights(w, side)
    ys, yw = resample_weights(h, side)
    source = pixels.astype(np.float32)
    rows = np.zeros((h, side, 3), dtype=np.float32)
    for k in range(xw.shape[1]):
        rows += xw[:, k][None, :, None] * source[:, xs + k, :]
    out = np.zeros((side, side, 3), dtype=np.float32)
    for k in range(yw.shape[1]):
        out += yw[:, k][:, None, None] * rows[ys + k, :, :]
    return np.clip(out + np.float32(0.5), 0, 255).astype(np.uint8)


def decode_square(path: str, side: int) -> np.ndarray:
    """`ImageDecoder.decodeSquare(contentsOf:side:mode: .squash)`: a JPEG decoded at the largest
    1/2, 1/4, 1/8 reduction whose size (rounded up) is still >= side on both axes (libjpeg scale_denom,
    ISLOW IDCT, fancy upsampling: Pillow's draft() with the same denominator), then squashed."""
    with Image.open(path) as im:
        if im.format == "JPEG":
            w, h = im.size
            denominator = 1
            for d in (8, 4, 2):
                if (w + d - 1) // d >= side and (h + d - 1) // d >= side:
                    denominator = d
                    break
            if denominator > 1:
                # Pillow picks s = largest of 8, 4, 2, 1 <= min(w // rw, h // rh); (w // d, h // d) gives d.
                im.draft(im.mode if im.mode in ("L", "RGB", "CMYK") else "RGB", (w // denominator, h // denominator))
        rgb = np.asarray(im.convert("RGB"), dtype=np.uint8)
    return squash(rgb, side)


def load_images(folder: str, paths: list[str], side: int, threads: int) -> tuple[np.ndarray, list, list[str]]:
    """`ImageCache`: every image decoded and squared once, uint8 [N, S, S, 3]; slots (None = failed)."""
    def one(p):
        try:
            return decode_square(os.path.join(folder, p), side), None
        except Exception as error:  # noqa: BLE001 - any unreadable image is skipped, as Glimpse does
            return None, f"{p}: {error}"

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        results = list(pool.map(one, paths))
    kept = [r[0] for r in results if r[0] is not None]
    slots, failures, k = [], [], 0
    for r in results:
        if r[0] is None:
            slots.append(None)
            failures.append(r[1])
        else:
            slots.append(k)
            k += 1
    cache = np.stack(kept) if kept else np.zeros((0, side, side, 3), dtype=np.uint8)
    return cache, slots, failures


def normalisation_table() -> np.ndarray:
    """ImageCache.writeBatch's table: (Float(v) / 255 - mean[c]) / std[c] in float32, [3, 256]."""
    v = np.arange(256, dtype=np.float32) / np.float32(255)
    return np.stack([(v - np.float32(MEAN[c])) / np.float32(STD[c]) for c in range(3)]).astype(np.float32)


def image_batch(cache: np.ndarray, slots: list[int], table: np.ndarray) -> torch.Tensor:
    pixels = cache[slots]                                              # [B, S, S, 3] uint8
    out = np.empty((len(slots), 3) + pixels.shape[1:3], dtype=np.float32)
    for c in range(3):
        out[:, c] = table[c][pixels[..., c]]
    return torch.from_numpy(out)


# ---------------------------------------------------------------- caption sets and batches
class CaptionSet:
    """`CaptionSet`: the images of some splits that decoded, each with its encodable captions."""

    def __init__(self, images: list[dict], splits: set, vocabulary: Vocabulary, slots: list, limit: int = 0):
        self.slots, self.captions, self.references, self.image_ids = [], [], [], []
        self.skipped = 0
        for image, slot in zip(images, slots):
            if image["split"] not in splits or slot is None:
                continue
            encoded = []
            for tokens in image["tokens"]:
                ids = vocabulary.encode(tokens)
                if ids is None:
                    self.skipped += 1
                else:
                    encoded.append(ids)
            if not encoded:
                continue
            self.slots.append(slot)
            self.captions.append(encoded)
            self.references.append(image["captions"])
            self.image_ids.append(image["image_id"])
            if limit and len(self.slots) == limit:
                break

    def __len__(self) -> int:
        return len(self.slots)

    def batch(self, indices: list[int], cache: np.ndarray, table: np.ndarray):
        """`CaptionBatch`: images [B, 3, S, S]; every caption of those images as a row of a padded
        [R, T] matrix (T = longest), its length, and the image row it belongs to."""
        rows, owners = [], []
        for b, i in enumerate(indices):
            for c in self.captions[i]:
                rows.append(c)
                owners.append(b)
        width = max(len(r) for r in rows)
        captions = torch.zeros(len(rows), width, dtype=torch.long)
        for r, c in enumerate(rows):
            captions[r, :len(c)] = torch.tensor(c, dtype=torch.long)
        lengths = torch.tensor([len(r) for r in rows], dtype=torch.long)
        images = image_batch(cache, [self.slots[i] for i in indices], table)
        return images, captions, lengths, torch.tensor(owners, dtype=torch.long)


# ---------------------------------------------------------------- decoding
@torch.no_grad()
def greedy_batch(model: Captioner, features: torch.Tensor, max_length: int) -> list[list[int]]:
    """`CaptionDecoder.greedyBatch`: every row steps until all emitted <end> or max_length tokens."""
    dec = model.decoder
    b = features.shape[0]
    att1 = dec.attention.project_features(features)
    h, c = dec.init_state(features)
    tokens = torch.full((b,), START, dtype=torch.long)
    results: list[list[int]] = [[] for _ in range(b)]
    done = [False] * b
    for _ in range(max_length):
        logits, _, h, c = dec.step(features, att1, tokens, h, c)
        best = F.log_softmax(logits, dim=1).argmax(dim=1)  # first maximum, as Glimpse's strict >
        for row in range(b):
            if not done[row]:
                w = int(best[row])
                results[row].append(w)
                done[row] = w == END
                tokens[row] = w
        if all(done):
            break
    return results


@torch.no_grad()
def beam_search(model: Captioner, features: torch.Tensor, beam: int, max_length: int) -> list[int]:
    """`CaptionDecoder.beamSearch` (not length-normalised) for one image's features [1, L, D]: each
    step keeps the best max(beam - finished, 1) extensions of all live hypotheses by total
    log-probability (Double; ties to the earlier hypothesis and word), sets aside those ending in
    <end>, stops when `beam` have finished or none is live; returns the best finished caption, or
    the best partial one when none finished."""
    dec = model.decoder
    att1_once = dec.attention.project_features(features)
    h, c = dec.init_state(features)
    feats, att1 = features, att1_once
    live = [([], 0.0)]  # (tokens, total log-probability)
    finished = []
    for _ in range(max_length):
        previous = torch.tensor([t[-1] if t else START for t, _ in live], dtype=torch.long)
        logits, _, h_next, c_next = dec.step(feats, att1, previous, h, c)
        logp = F.log_softmax(logits, dim=1).double()
        vocabulary = logp.shape[1]
        totals = (torch.tensor([s for _, s in live], dtype=torch.float64).unsqueeze(1) + logp).reshape(-1)
        width = max(beam - len(finished), 1)
        chosen = torch.sort(totals, descending=True, stable=True).indices[:width].tolist()
        nxt, rows = [], []
        for index in chosen:
            row, word = divmod(index, vocabulary)
            tokens, score = live[row]
            hyp = (tokens + [word], score + float(logp[row, word]))
            if word == END:
                finished.append(hyp)
            else:
                nxt.append(hyp)
                rows.append(row)
        live = nxt
        if len(finished) >= beam or not nxt:
            break
        index = torch.tensor(rows, dtype=torch.long)
        h, c = h_next[index], c_next[index]
        feats = features.expand(len(rows), -1, -1)
        att1 = att1_once.expand(len(rows), -1, -1)
    ranked = sorted(finished, key=lambda x: -x[1]) + sorted(live, key=lambda x: -x[1])
    return ranked[0][0]


def decode_split(model: Captioner, vocabulary: Vocabulary, data: CaptionSet, cache, table, beam: int,
                 max_length: int) -> list[str]:
    """`CaptionTrainer.decodeValidation`: eval mode, 64 images at a time, greedy (beam 1) or beam search."""
    model.eval()
    hypotheses = []
    for start in range(0, len(data), VALIDATION_CHUNK):
        indices = list(range(start, min(start + VALIDATION_CHUNK, len(data))))
        images = image_batch(cache, [data.slots[i] for i in indices], table)
        with torch.no_grad():
            features = model.encoder(images)
        if beam <= 1:
            for ids in greedy_batch(model, features, max_length):
                hypotheses.append(vocabulary.decode(ids))
        else:
            for row in range(len(indices)):
                hypotheses.append(vocabulary.decode(beam_search(model, features[row:row + 1], beam, max_length)))
    model.train()
    return hypotheses


# ---------------------------------------------------------------- scoring
def write_results(path: str, image_ids: list[int], hypotheses: list[str]) -> None:
    """COCO results format as `glimpse evaluate` writes it: [{"caption", "image_id"}], image_id = Karpathy imgid."""
    text = json.dumps([{"caption": h, "image_id": i} for i, h in zip(image_ids, hypotheses)], ensure_ascii=False)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.replace(tmp, path)


GLIMPSE_NAMES = {"Bleu_1": "bleu1", "Bleu_2": "bleu2", "Bleu_3": "bleu3", "Bleu_4": "bleu4",
                 "ROUGE_L": "rougeL", "CIDEr": "cider"}


def score_with_glimpse(binary: str, data: str, results_path: str) -> dict[str, float]:
    """`glimpse evaluate --results` (Glimpse's own scorer, the one `glimpse train` selects with)."""
    out = subprocess.run([binary, "evaluate", "--data", data, "--split", "val", "--results", results_path],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"glimpse evaluate failed: {out.stderr.strip() or out.stdout.strip()}")
    scores = {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in GLIMPSE_NAMES:
            scores[GLIMPSE_NAMES[parts[0]]] = float(parts[1])
    return scores


def score_with_coco(hypotheses: list[str], references: list[list[str]]) -> dict[str, float]:
    """pycocoevalcap (PTB tokenizer via Java, BLEU, ROUGE-L, CIDEr-D)."""
    from pycocoevalcap.bleu.bleu import Bleu
    from pycocoevalcap.cider.cider import Cider
    from pycocoevalcap.rouge.rouge import Rouge
    from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer
    tokenizer = PTBTokenizer()
    gts = tokenizer.tokenize({i: [{"caption": r} for r in refs] for i, refs in enumerate(references)})
    res = tokenizer.tokenize({i: [{"caption": h}] for i, h in enumerate(hypotheses)})
    bleu, _ = Bleu(4).compute_score(gts, res, verbose=0)
    scores = {f"bleu{n + 1}": float(b) for n, b in enumerate(bleu)}
    scores["rougeL"] = float(Rouge().compute_score(gts, res)[0])
    scores["cider"] = float(Cider().compute_score(gts, res)[0])
    return scores


# ---------------------------------------------------------------- main
def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="Karpathy split file dataset_*.json, or the folder holding it")
    p.add_argument("--images", help="image folder (default: found beside the captions, as Glimpse does)")
    p.add_argument("--vocab", help="Glimpse vocab.json to use as is (default: build it as glimpse train does)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--image-size", type=int, default=64)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=32, help="images per batch, each with all its captions")
    p.add_argument("--encoder-lr", type=float, default=1e-3)
    p.add_argument("--decoder-lr", type=float, default=1e-3)
    p.add_argument("--grad-clip", type=float, default=5.0, help="global gradient-norm clip (0: off)")
    p.add_argument("--alpha-c", type=float, default=1.0)
    p.add_argument("--dropout", type=float, default=0.5)
    p.add_argument("--min-word-count", type=int, default=5, help="only when building the vocabulary")
    p.add_argument("--max-caption-length", type=int, default=50, help="only when building the vocabulary")
    p.add_argument("--attention-activation", choices=["tanh", "relu"], default="tanh")
    p.add_argument("--fine-tune-encoder", choices=["true", "false"], default="true")
    p.add_argument("--patience", type=int, default=6, help="stop after this many epochs without a better CIDEr-D (0: never)")
    p.add_argument("--val-beam", type=int, default=1, help="beam width of the per-epoch validation (1: greedy)")
    p.add_argument("--final-beam", type=int, default=3, help="beam width of results_val_beam<k>.json")
    p.add_argument("--max-length", type=int, default=MAX_DECODE_LENGTH, help="longest decoded caption (tokens)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--init", choices=["glimpse", "torch"], default="glimpse",
                   help="initial weights: Glimpse's generator and draws for --seed (same start as glimpse train), or PyTorch's defaults")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads and image-decoding threads")
    p.add_argument("--max-train-images", type=int, default=0, help="use only the first N training images (0: all)")
    p.add_argument("--max-val-images", type=int, default=0, help="use only the first N validation images (0: all)")
    p.add_argument("--scorer", choices=["auto", "glimpse", "coco", "none"], default="auto",
                   help="validation metrics: glimpse evaluate --results, pycocoevalcap, or none (keeps the last epoch; auto: glimpse if found)")
    p.add_argument("--glimpse", default=os.path.join(ROOT, ".build", "release", "glimpse"), help="glimpse binary for --scorer glimpse")
    a = p.parse_args(argv)
    if a.image_size < 16 or a.image_size % 8:
        p.error("--image-size must be a multiple of 8, at least 16")
    if a.epochs < 1 or a.batch_size < 1 or a.val_beam < 1 or a.final_beam < 1 or a.max_length < 1:
        p.error("--epochs, --batch-size, --val-beam, --final-beam and --max-length must be at least 1")
    if not 0 <= a.dropout < 1:
        p.error("--dropout must be in [0, 1)")
    if a.scorer == "auto":
        a.scorer = "glimpse" if os.access(a.glimpse, os.X_OK) else "coco"
    return a


def main(argv=None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)  # dropout masks (and the weights with --init torch)
    os.makedirs(args.out, exist_ok=True)
    fine_tune = args.fine_tune_encoder == "true"

    dataset_path = locate_dataset(args.data)
    images = read_karpathy(dataset_path)
    folder = locate_images(os.path.dirname(os.path.abspath(dataset_path)), [im["path"] for im in images], args.images)
    present = [im for im in images if os.path.isfile(os.path.join(folder, im["path"]))]
    print(f"read {len(images)} images from {dataset_path}; {len(images) - len(present)} without a file in {folder} left out")
    images = present
    if args.vocab:
        vocabulary = Vocabulary.load(args.vocab)
    else:
        vocabulary = Vocabulary.build(images, args.min_word_count, args.max_caption_length)

    # Only the images used are decoded (the first N of each split with --max-*-images).
    def wanted(split_names, limit):
        chosen = [i for i, im in enumerate(images) if im["split"] in split_names]
        return chosen[:limit] if limit else chosen
    used = sorted(set(wanted({"train", "restval"}, args.max_train_images)) | set(wanted({"val"}, args.max_val_images)))
    start = time.perf_counter()
    cache, used_slots, failures = load_images(folder, [images[i]["path"] for i in used], args.image_size, args.threads)
    slots = [None] * len(images)
    for i, s in zip(used, used_slots):
        slots[i] = s
    print(f"decoded {len(cache)} images to {args.image_size}x{args.image_size} in {time.perf_counter() - start:.1f} s"
          + (f"; {len(failures)} could not be read, skipped: {failures[:5]}" if failures else ""))
    train = CaptionSet(images, {"train", "restval"}, vocabulary, slots, args.max_train_images)
    validation = CaptionSet(images, {"val"}, vocabulary, slots, args.max_val_images)
    if not len(train) or not len(validation):
        sys.exit("no usable training or validation images")
    print(f"vocabulary {len(vocabulary.words)} words; {len(train)} training images "
          f"({sum(len(c) for c in train.captions)} captions), {len(validation)} validation images"
          + (f"; {train.skipped} captions longer than {vocabulary.maximum_length} words left out" if train.skipped else ""))
    table = normalisation_table()

    config = CaptionerConfig(vocabulary_size=len(vocabulary.words), dropout=args.dropout,
                             attention_activation=args.attention_activation, alpha_c=args.alpha_c)
    model = Captioner(config)
    if args.init == "glimpse":
        glimpse_initialisation(model, args.seed)
    encoder_opt = torch.optim.Adam(model.encoder.parameters(), lr=args.encoder_lr)
    decoder_opt = torch.optim.Adam(model.decoder.parameters(), lr=args.decoder_lr)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"model: {parameters} parameters; torch {torch.__version__}, {torch.get_num_threads()} threads; "
          f"init {args.init}, seed {args.seed}; validation scorer {args.scorer}")

    with open(os.path.join(args.out, "vocab.json"), "w", encoding="utf-8") as f:
        f.write(vocabulary.file_text())
    glimpse_config = {"kind": "captioner", "featureSize": config.feature_size, "embeddingSize": config.embedding_size,
                      "attentionSize": config.attention_size, "hiddenSize": config.hidden_size,
                      "vocabularySize": config.vocabulary_size, "imageSize": args.image_size,
                      "attentionActivation": args.attention_activation, "dropout": args.dropout, "alphaC": args.alpha_c,
                      "zeroInitialState": False, "mean": list(MEAN), "standardDeviation": list(STD), "squareMode": "squash"}
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(glimpse_config, f, indent=2)
    with open(os.path.join(args.out, "training.json"), "w") as f:
        json.dump(vars(args) | {"plateau_factor": PLATEAU_FACTOR, "plateau_patience": PLATEAU_PATIENCE,
                                "selection_metric": SELECTION_METRIC, "dataset": dataset_path, "image_folder": folder}, f, indent=2)
    log_path = os.path.join(args.out, "log.jsonl")
    open(log_path, "w").close()

    def evaluate(hypotheses: list[str], name: str) -> dict[str, float]:
        path = os.path.join(args.out, name)
        write_results(path, validation.image_ids, hypotheses)
        if args.scorer == "glimpse":
            return score_with_glimpse(args.glimpse, args.data, path)
        if args.scorer == "coco":
            return score_with_coco(hypotheses, validation.references)
        return {}

    best_metric, best_epoch, best_state = -math.inf, 0, None
    scale, bad_epochs, since_improvement = 1.0, 0, 0
    epochs, total_seconds = [], 0.0
    stopped = f"completed {args.epochs} epochs"
    for epoch in range(1, args.epochs + 1):
        order = batch_order(len(train), args.batch_size, args.seed, epoch)
        for g in encoder_opt.param_groups:
            g["lr"] = args.encoder_lr * scale
        for g in decoder_opt.param_groups:
            g["lr"] = args.decoder_lr * scale
        model.train()
        epoch_start = last_report = time.perf_counter()
        seen, loss_sum = 0, 0.0
        for step, indices in enumerate(order, 1):
            images_t, captions, lengths, owners = train.batch(indices, cache, table)
            encoder_opt.zero_grad(set_to_none=False)
            decoder_opt.zero_grad(set_to_none=False)
            if fine_tune:
                features = model.encoder(images_t)
            else:
                model.encoder.eval()
                with torch.no_grad():
                    features = model.encoder(images_t)
            logits, alphas = model.decoder(features[owners], captions, lengths)
            loss = captioning_loss(logits, alphas, captions, lengths, args.alpha_c)[0]
            value = loss.item()
            if not math.isfinite(value):
                sys.exit(f"loss became {value} at epoch {epoch}, step {step}; stopped")
            loss.backward()
            if args.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), args.grad_clip)
            if fine_tune:
                encoder_opt.step()
            decoder_opt.step()
            loss_sum += value
            seen += len(indices)
            now = time.perf_counter()
            if now - last_report > 2 or step == len(order):
                last_report = now
                rate = seen / (now - epoch_start)
                left = ((len(order) - step) * args.batch_size + (args.epochs - epoch) * len(train)) / max(rate, 1e-9)
                print(f"epoch {epoch}/{args.epochs}  step {step}/{len(order)}  loss {loss_sum / step:.4f}  "
                      f"{rate:.1f} images/s  {left / 60:.0f} min left", flush=True)
        seconds = time.perf_counter() - epoch_start
        total_seconds += seconds
        val_start = time.perf_counter()
        hypotheses = decode_split(model, vocabulary, validation, cache, table, args.val_beam, args.max_length)
        scores = evaluate(hypotheses, f"results_val_greedy_epoch{epoch}.json" if args.val_beam == 1
                          else f"results_val_beam{args.val_beam}_epoch{epoch}.json")
        val_seconds = time.perf_counter() - val_start
        # Without a scorer nothing can be selected: keep the last epoch (metric = epoch number).
        metric = scores.get(SELECTION_METRIC, 0.0) if args.scorer != "none" else float(epoch)
        train_loss = loss_sum / max(len(order), 1)
        line = {"epoch": epoch, "train_loss": train_loss, "images_per_second": seen / seconds, "seconds": seconds,
                "learning_rate_scale": scale, "validation_seconds": val_seconds}
        line.update({"val_" + k: v for k, v in scores.items()})
        with open(log_path, "a") as f:
            f.write(json.dumps(line, sort_keys=True) + "\n")
        epochs.append(line)
        print(f"epoch {epoch}: train loss {train_loss:.4f}, {seconds:.1f} s ({seen / seconds:.1f} images/s), "
              f"validation ({val_seconds:.1f} s) " + ", ".join(f"{k} {scores[k]:.4f}" for k in sorted(scores)), flush=True)
        if metric > best_metric:
            best_metric, best_epoch, bad_epochs, since_improvement = metric, epoch, 0, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            bad_epochs += 1
            since_improvement += 1
            if bad_epochs >= PLATEAU_PATIENCE and PLATEAU_FACTOR > 0:
                scale *= PLATEAU_FACTOR
                bad_epochs = 0
                print(f"validation {SELECTION_METRIC} has not improved for {PLATEAU_PATIENCE} epochs: learning rates x{PLATEAU_FACTOR}")
        if args.patience > 0 and since_improvement >= args.patience:
            stopped = f"no better validation {SELECTION_METRIC} for {args.patience} epochs"
            break

    model.load_state_dict(best_state)
    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in best_state.items()}, os.path.join(args.out, "weights.safetensors"),
              metadata={"epoch": str(best_epoch), SELECTION_METRIC: str(best_metric), "trainer": "pytorch_train_captioner.py"})
    start = time.perf_counter()
    hypotheses = decode_split(model, vocabulary, validation, cache, table, args.final_beam, args.max_length)
    name = f"results_val_beam{args.final_beam}.json"
    final = evaluate(hypotheses, name)
    print(f"best validation {SELECTION_METRIC} {best_metric:.4f} at epoch {best_epoch}; {stopped}; {total_seconds:.0f} s of training")
    print(f"beam {args.final_beam} on {len(validation)} validation images ({time.perf_counter() - start:.1f} s): "
          + ", ".join(f"{k} {final[k]:.4f}" for k in sorted(final)) + f"; wrote {os.path.join(args.out, name)}")
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump({"bestEpoch": best_epoch, "bestMetric": best_metric, "selectionMetric": SELECTION_METRIC,
                   "epochsCompleted": len(epochs), "trainingSeconds": total_seconds, "parameters": parameters,
                   "stoppedBecause": stopped, "epochs": epochs, "finalBeam": args.final_beam, "final": final}, f, indent=2)


if __name__ == "__main__":
    main()
