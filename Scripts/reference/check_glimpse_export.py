"""Check that a captioning checkpoint written by Glimpse loads into the PyTorch reference.

What it does
------------
Reads a safetensors state dict written by Glimpse (``weights.safetensors``, PyTorch
``state_dict`` names and layouts), builds ``Captioner`` of ``captioner_model.py`` (beside
this script) from a configuration, and loads the weights with
``load_state_dict(strict=True)`` -- so a missing, extra or wrongly shaped tensor fails. It also
checks every tensor's dtype against the module's (F32; ``num_batches_tracked`` I64), since
``load_state_dict`` would silently convert, and that every value is finite. Then it runs one
forward in eval mode (BatchNorm on the loaded running statistics) on random images and
captions, checks the shapes, finiteness and that each attention row sums to 1, and prints
``OK``. Any failure prints ``FAIL: ...`` on stderr and exits with status 1 (2 for bad
arguments).

Configuration
-------------
Sizes come from, in order of precedence:

1. command-line options (``--feature-size 128`` ...);
2. a JSON file: ``--config FILE``, or else ``config.json`` beside the weights. The key names
   are in ``CONFIG_KEYS`` below (Glimpse's camelCase by default); a key may sit at the top level
   or inside nested objects (e.g. ``{"model": {"hiddenSize": 256}}``) as long as it is found
   once only;
3. for the tensor sizes only (not image size, activation or dropout), with ``--infer``: the
   shapes of the weights themselves. Without ``--infer`` a missing size is an error, because
   the point is to check that the config and the weights agree.

``imageSize`` only sets the random test input (the model works for any multiple of 8);
``dropout`` does not matter in eval mode but is read if present. ``zeroInitState`` (optional,
default false; or ``--zero-init-state``) selects h0 = c0 = 0; init_h/init_c must still be in
the weights.

How to run
----------
    /path/to/venv/bin/python Scripts/reference/check_glimpse_export.py models/flickr8k/weights.safetensors
    /path/to/venv/bin/python Scripts/reference/check_glimpse_export.py models/flickr8k   # a model folder
    /path/to/venv/bin/python Scripts/reference/check_glimpse_export.py w.safetensors --infer --image-size 64

(needs torch and safetensors; the working directory does not matter).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from captioner_model import END, PAD, START, Captioner, CaptionerConfig  # noqa: E402

# ---- configuration key names in config.json (change here if Glimpse names them differently)
CONFIG_KEYS = {
    "feature_size": "featureSize",
    "embedding_size": "embeddingSize",
    "attention_size": "attentionSize",
    "hidden_size": "hiddenSize",
    "vocabulary_size": "vocabularySize",
    "image_size": "imageSize",
    "attention_activation": "attentionActivation",
    "dropout": "dropout",
    "zero_init_state": "zeroInitState",     # optional; default false
}
CONFIG_FILE_NAME = "config.json"
WEIGHTS_FILE_NAME = "weights.safetensors"   # used when PATH is a folder
DEFAULTS = {"attention_activation": "tanh", "dropout": 0.0, "zero_init_state": False}
TEST_BATCH = 2
TEST_CAPTION_LENGTHS = (6, 4)               # including <start> and <end>


class CheckError(Exception):
    pass


def find_key(obj, key: str) -> list:
    """All values stored under ``key`` anywhere in a JSON object (depth-first)."""
    found = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == key:
                found.append(v)
            found.extend(find_key(v, key))
    elif isinstance(obj, list):
        for v in obj:
            found.extend(find_key(v, key))
    return found


def parse_bool(v) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    raise ValueError(f"expected a boolean, not {v!r}")


def infer_sizes(state: dict[str, torch.Tensor]) -> dict:
    """Tensor sizes implied by the weights' shapes (for --infer)."""
    def shape(name: str) -> list[int]:
        if name not in state:
            raise CheckError(f"cannot infer sizes: tensor {name} is missing")
        return list(state[name].shape)
    V, E = shape("decoder.embedding.weight")
    A, D = shape("decoder.attention.encoder_att.weight")
    H = shape("decoder.attention.decoder_att.weight")[1]
    return {"feature_size": D, "embedding_size": E, "attention_size": A,
            "hidden_size": H, "vocabulary_size": V}


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("path", help="weights .safetensors file, or a model folder holding "
                                f"{WEIGHTS_FILE_NAME} and {CONFIG_FILE_NAME}")
    p.add_argument("--config", help=f"config JSON (default: {CONFIG_FILE_NAME} beside the weights)")
    p.add_argument("--infer", action="store_true",
                   help="take sizes missing from the config and the options from the weights' shapes")
    p.add_argument("--feature-size", type=int)
    p.add_argument("--embedding-size", type=int)
    p.add_argument("--attention-size", type=int)
    p.add_argument("--hidden-size", type=int)
    p.add_argument("--vocabulary-size", type=int)
    p.add_argument("--image-size", type=int)
    p.add_argument("--attention-activation", choices=("tanh", "relu"))
    p.add_argument("--dropout", type=float)
    p.add_argument("--zero-init-state", action="store_true", default=None,
                   help="the model uses h0 = c0 = 0 (init_h/init_c are still in the weights)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random test input")
    return p.parse_args(argv)


def resolve_paths(args) -> tuple[Path, Path | None]:
    path = Path(args.path)
    if path.is_dir():
        path = path / WEIGHTS_FILE_NAME
    if not path.is_file():
        raise CheckError(f"{path}: no such file")
    if args.config:
        config = Path(args.config)
        if not config.is_file():
            raise CheckError(f"{config}: no such file")
    else:
        config = path.parent / CONFIG_FILE_NAME
        if not config.is_file():
            config = None
    return path, config


def build_config(args, config_path: Path | None, state: dict) -> tuple[CaptionerConfig, int, list[str]]:
    values: dict = {}
    notes: list[str] = []
    if config_path is not None:
        try:
            data = json.loads(config_path.read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise CheckError(f"{config_path}: cannot read JSON: {e}") from e
        for field, key in CONFIG_KEYS.items():
            hits = find_key(data, key)
            if len(hits) > 1 and any(h != hits[0] for h in hits):
                raise CheckError(f"{config_path}: key {key!r} appears {len(hits)} times "
                                 f"with different values {hits}")
            if hits:
                values[field] = hits[0]
        notes.append(f"config {config_path}")
    for field in CONFIG_KEYS:
        cli = getattr(args, field, None)
        if cli is not None:
            values[field] = cli
    tensor_fields = ("feature_size", "embedding_size", "attention_size", "hidden_size",
                     "vocabulary_size")
    missing = [f for f in tensor_fields if f not in values]
    if missing:
        if not args.infer:
            raise CheckError("sizes missing from config and options: "
                             + ", ".join(f"{CONFIG_KEYS[f]} (--{f.replace('_', '-')})"
                                         for f in missing)
                             + "; pass them, or --infer to read them from the weights")
        inferred = infer_sizes(state)
        for f in missing:
            values[f] = inferred[f]
        notes.append("inferred from weights: " + ", ".join(f"{f}={values[f]}" for f in missing))
    for f, v in DEFAULTS.items():
        values.setdefault(f, v)
    image_size = values.get("image_size", 32)
    try:
        cfg = CaptionerConfig(
            vocabulary_size=int(values["vocabulary_size"]),
            feature_size=int(values["feature_size"]),
            embedding_size=int(values["embedding_size"]),
            attention_size=int(values["attention_size"]),
            hidden_size=int(values["hidden_size"]),
            dropout=float(values["dropout"]),
            attention_activation=str(values["attention_activation"]),
            zero_init_state=parse_bool(values["zero_init_state"]))
        image_size = int(image_size)
    except (TypeError, ValueError) as e:
        raise CheckError(f"bad configuration: {e}") from e
    if image_size <= 0 or image_size % 8:
        raise CheckError(f"imageSize must be a positive multiple of 8, not {image_size}")
    return cfg, image_size, notes


def check(args) -> str:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    weights_path, config_path = resolve_paths(args)
    try:
        state = load_file(str(weights_path))
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckError(f"{weights_path}: cannot read safetensors: {e}") from e

    cfg, image_size, notes = build_config(args, config_path, state)
    model = Captioner(cfg)
    expected = model.state_dict()

    problems = []
    for name, t in state.items():
        if name in expected and t.dtype != expected[name].dtype:
            problems.append(f"{name}: dtype {t.dtype}, expected {expected[name].dtype}")
        if t.is_floating_point() and not torch.isfinite(t).all():
            problems.append(f"{name}: has non-finite values")
    if problems:
        raise CheckError(f"{weights_path}:\n  " + "\n  ".join(problems))
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise CheckError(f"{weights_path}: load_state_dict(strict=True) failed:\n{e}") from e

    torch.manual_seed(args.seed)
    lengths = torch.tensor(TEST_CAPTION_LENGTHS[:TEST_BATCH], dtype=torch.int64)
    T = int(lengths.max())
    captions = torch.full((TEST_BATCH, T), PAD, dtype=torch.int64)
    first_word = 4 if cfg.vocabulary_size > 4 else 0
    for b, n in enumerate(lengths.tolist()):
        captions[b, 0] = START
        captions[b, 1:n - 1] = torch.randint(first_word, cfg.vocabulary_size, (n - 2,))
        captions[b, n - 1] = END
    images = torch.randn(TEST_BATCH, 3, image_size, image_size)

    model.eval()
    with torch.no_grad():
        logits, alphas = model(images, captions, lengths)
        loss, ce, att = model.loss(logits, alphas, captions, lengths)
    L = (image_size // 8) ** 2
    n = T - 1
    if logits.shape != (TEST_BATCH, n, cfg.vocabulary_size):
        raise CheckError(f"logits shape {list(logits.shape)}, expected {[TEST_BATCH, n, cfg.vocabulary_size]}")
    if alphas.shape != (TEST_BATCH, n, L):
        raise CheckError(f"alphas shape {list(alphas.shape)}, expected {[TEST_BATCH, n, L]}")
    if not (torch.isfinite(logits).all() and torch.isfinite(alphas).all() and torch.isfinite(loss)):
        raise CheckError("forward produced non-finite values")
    if not torch.allclose(alphas.sum(-1), torch.ones(TEST_BATCH, n), atol=1e-5):
        raise CheckError("attention weights do not sum to 1")

    n_params = sum(p.numel() for p in model.parameters())
    return (f"OK {weights_path}: {len(state)} tensors, {n_params} parameters loaded strictly; "
            f"D={cfg.feature_size} E={cfg.embedding_size} A={cfg.attention_size} "
            f"H={cfg.hidden_size} V={cfg.vocabulary_size} act={cfg.attention_activation} "
            f"{'zero initial state ' if cfg.zero_init_state else ''}"
            f"image {image_size} (L={L}); eval forward loss {float(loss):.4f} "
            f"(ce {float(ce):.4f}, attention {float(att):.4f})"
            + ("; " + "; ".join(notes) if notes else ""))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        print(check(args))
    except CheckError as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
