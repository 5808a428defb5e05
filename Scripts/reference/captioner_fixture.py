"""Reference fixtures for Glimpse's captioning model, written by PyTorch.

What it writes
--------------
Safetensors files in ``Tests/Fixtures/captioner/`` (relative to the repository
root, found from this script's own location), plus a short README.md there:

* ``parity.safetensors``                 -- attention tanh, h0/c0 from init_h/init_c:
  one forward/backward in train mode, then three steps of Adam
* ``parity_relu_zero_init.safetensors``  -- attention relu, zero initial state
  (``zero_init_state=True``): one forward/backward in train mode, no Adam steps

The model is ``Captioner`` of ``captioner_model.py`` (beside this script) with a small
configuration: D=16 features, E=12 embedding, A=10 attention, H=20 hidden, V=23 words,
image side 32 (L=16 locations), batch 3, encoder channels 3->32->64->128->D, dropout 0,
alpha_c 1.

What each file holds
--------------------
* Every initial parameter and buffer under its ``state_dict`` name
  (``encoder.conv1.weight``, ``encoder.bn1.running_mean``, ``encoder.bn1.num_batches_tracked``
  (I64 0-d), ..., ``decoder.decode_step.weight_ih``, ``decoder.fc.bias``).
* Inputs: ``images`` [3, 3, 32, 32] F32, ``captions`` [3, 7] I64, ``lengths`` [3] I64 = [7, 5, 3].
  Captions: <start>=1 in column 0, <end>=2 in column length-1, random tokens in 4..22
  between, <pad>=0 after.
* Outputs of the forward in train mode (BatchNorm uses batch statistics):
  ``features`` [3, 16, 16] (encoder output a, an extra for debugging), ``logits`` [3, 6, 23],
  ``alphas`` [3, 6, 16], ``loss``, ``ce_loss``, ``attention_loss`` (0-d).
  Padded steps are computed too (every row at every step); their logits/alphas are real
  numbers that the loss ignores.
* ``grad.<name>`` for every parameter: the gradient of ``loss``. In the zero-init file
  ``decoder.init_h.*`` and ``decoder.init_c.*`` are unused, so their gradients are saved
  as zeros (PyTorch leaves them ``None``).
  ``grad.decoder.attention.full_att.bias`` is 0 in exact arithmetic (full_att.bias shifts
  every e_i alike and softmax is shift-invariant); the stored value (~4e-9) is float32
  rounding, so compare it with an absolute tolerance. Adam normalises that noise into a
  real-sized step, so ``after_adam.decoder.attention.full_att.bias`` (moved by ~5e-4 over
  three steps) cannot be reproduced by another implementation: skip it or compare it loosely.
* ``after_forward.<bn buffer>``: running_mean, running_var, num_batches_tracked of bn1..bn4
  after that one forward (momentum 0.1, unbiased batch variance in running_var).
* ``parity.safetensors`` only: the model is reset to the saved initial state (parameters and
  buffers), then ``torch.optim.Adam(model.parameters(), lr=1e-3, foreach=False)`` (betas
  0.9/0.999, eps 1e-8, no weight decay) runs three steps, each zero_grad -> forward (train
  mode) -> loss -> backward -> step. ``loss_step1..3`` (0-d) are the losses computed before
  each step (``loss_step1 == loss``), and ``after_adam.<name>`` every parameter and buffer
  after the three steps (num_batches_tracked = 3).

Draw order: ``torch.manual_seed(0)``, then the model parameters (default PyTorch init, in
``state_dict`` order), then ``images = randn(3, 3, 32, 32)``, then the caption tokens
``randint(4, 23, (3, 7))`` (only the inner columns are used). Both files use the same seed,
so they share initial parameters, images and captions.

The script checks, before saving: loss = ce + alpha_c * att; ce equals
``cross_entropy(..., ignore_index=0)``; decoding each caption on its own, only over its real
steps (the tutorial's shrinking batch), gives the same logits and alphas; the <pad>
embedding row gets no gradient; every used parameter has a non-zero gradient. After saving it
reads the files back, checks dtypes and contiguity, and reproduces the outputs from the saved
initial state.

How to run
----------
    /path/to/venv/bin/python Scripts/reference/captioner_fixture.py

(needs torch, numpy and safetensors; the working directory does not matter).
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import load_file, save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from captioner_model import (END, PAD, START, Captioner, CaptionerConfig,  # noqa: E402
                             captioning_loss, target_mask)

torch.set_default_dtype(torch.float32)

REPO_ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = REPO_ROOT / "Tests" / "Fixtures" / "captioner"

SCRIPT_NAME = "Scripts/reference/captioner_fixture.py"

BATCH = 3
IMAGE_SIZE = 32
LENGTHS = [7, 5, 3]
T = max(LENGTHS)
FIRST_WORD = 4          # random tokens are drawn from FIRST_WORD .. V-1
ADAM_KWARGS = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)
ADAM_STEPS = 3
# full_att.bias adds the same constant to every e_i, and softmax ignores that: its gradient
# is exactly 0 in exact arithmetic, and what PyTorch stores is float32 rounding (~4e-9).
# Adam normalises that noise into real-sized updates (~5e-4 over the three steps), so
# after_adam.decoder.attention.full_att.bias is not reproducible by another implementation.
ROUNDING_ONLY_GRADS = ("decoder.attention.full_att.bias",)


def small_config(activation: str, zero_init_state: bool) -> CaptionerConfig:
    return CaptionerConfig(vocabulary_size=23, feature_size=16, embedding_size=12,
                           attention_size=10, hidden_size=20, dropout=0.0,
                           attention_activation=activation, alpha_c=1.0,
                           zero_init_state=zero_init_state)


def seed(value: int = 0) -> None:
    torch.manual_seed(value)


def _prep(t: torch.Tensor) -> torch.Tensor:
    t = t.detach().clone().contiguous()
    if t.is_floating_point():
        t = t.to(torch.float32)
        assert t.dtype == torch.float32
    else:
        assert t.dtype == torch.int64, t.dtype
    return t


def save(name: str, tensors: dict[str, torch.Tensor], metadata: dict | None = None) -> None:
    meta = {"format": "pt", "generator": SCRIPT_NAME, "torch": torch.__version__}
    if metadata:
        meta.update({k: str(v) for k, v in metadata.items()})
    out = {k: _prep(v) for k, v in tensors.items()}
    save_file(out, str(OUT_DIR / name), metadata=meta)


def make_captions(vocabulary_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """captions [B, T] int64 and lengths [B] int64 (drawn from the global generator)."""
    tokens = torch.randint(FIRST_WORD, vocabulary_size, (BATCH, T), dtype=torch.int64)
    captions = torch.full((BATCH, T), PAD, dtype=torch.int64)
    for b, n in enumerate(LENGTHS):
        captions[b, 0] = START
        captions[b, 1:n - 1] = tokens[b, 1:n - 1]
        captions[b, n - 1] = END
    return captions, torch.tensor(LENGTHS, dtype=torch.int64)


def bn_buffers(model: Captioner) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()
            if ".bn" in k and k.rsplit(".", 1)[1] in
            ("running_mean", "running_var", "num_batches_tracked")}


def check_against_rowwise(model: Captioner, features: torch.Tensor, captions: torch.Tensor,
                          lengths: torch.Tensor, logits: torch.Tensor, alphas: torch.Tensor,
                          ce: torch.Tensor) -> None:
    """Decode each caption alone over its real steps only (the tutorial's shrinking batch)."""
    decoder = copy.deepcopy(model.decoder)
    total, count = 0.0, 0
    with torch.no_grad():
        for b, n in enumerate(lengths.tolist()):
            lg, al = decoder(features[b:b + 1], captions[b:b + 1, :n], lengths[b:b + 1])
            assert lg.shape[1] == n - 1
            torch.testing.assert_close(lg[0], logits[b, :n - 1], rtol=1e-5, atol=1e-6)
            torch.testing.assert_close(al[0], alphas[b, :n - 1], rtol=1e-5, atol=1e-6)
            total += float(F.cross_entropy(lg[0], captions[b, 1:n], reduction="sum"))
            count += n - 1
    assert abs(total / count - float(ce)) < 1e-5, (total / count, float(ce))


def pooling_margin(model: Captioner, images: torch.Tensor) -> float:
    """The smallest gap between the two largest values of any 2x2 max-pooling window whose maximum
    is positive, in train mode. A gap near float rounding lets two correct implementations route
    the gradient to different inputs, so fixtures are drawn with a clear margin."""
    gaps = []
    def hook(module, inputs, output):
        x = torch.relu(output)  # the pooled input: ReLU of the block's batch norm
        w = x.unfold(2, 2, 2).unfold(3, 2, 2).reshape(*x.shape[:2], x.shape[2] // 2, x.shape[3] // 2, 4)
        top, _ = w.sort(-1, descending=True)
        positive = top[..., 0] > 0
        gaps.append(float((top[..., 0] - top[..., 1])[positive].min()))
    handles = [getattr(model.encoder, f"bn{k}").register_forward_hook(hook) for k in (1, 2, 3)]
    state = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        model.train()
        model.encoder(images)
    model.load_state_dict(state)
    for h in handles:
        h.remove()
    return min(gaps)


def fixture(name: str, activation: str, zero_init_state: bool, adam_steps: int) -> dict:
    cfg = small_config(activation, zero_init_state)
    seed(0)
    model = Captioner(cfg)
    images = torch.randn(BATCH, 3, IMAGE_SIZE, IMAGE_SIZE)
    while pooling_margin(model, images) < 1e-4:
        images = torch.randn(BATCH, 3, IMAGE_SIZE, IMAGE_SIZE)
    captions, lengths = make_captions(cfg.vocabulary_size)

    initial = {k: v.detach().clone() for k, v in model.state_dict().items()}
    param_names = [n for n, _ in model.named_parameters()]
    assert set(param_names) <= set(initial)

    grabbed: dict[str, torch.Tensor] = {}
    hook = model.encoder.register_forward_hook(lambda m, i, o: grabbed.__setitem__("features", o))

    # ---- one forward/backward in train mode
    model.train()
    model.zero_grad(set_to_none=True)
    logits, alphas = model(images, captions, lengths)
    loss, ce, att = model.loss(logits, alphas, captions, lengths)
    loss.backward()
    hook.remove()
    features = grabbed["features"].detach()
    after_forward = bn_buffers(model)

    n = T - 1
    L = (IMAGE_SIZE // 8) ** 2
    assert logits.shape == (BATCH, n, cfg.vocabulary_size) and alphas.shape == (BATCH, n, L)
    assert features.shape == (BATCH, L, cfg.feature_size)
    torch.testing.assert_close(loss, ce + cfg.alpha_c * att, rtol=0, atol=0)
    ce_ignore0 = F.cross_entropy(logits.reshape(-1, cfg.vocabulary_size),
                                 captions[:, 1:n + 1].reshape(-1), ignore_index=PAD)
    torch.testing.assert_close(ce, ce_ignore0, rtol=1e-6, atol=1e-7)
    mask = target_mask(lengths, n)
    assert mask.sum().item() == sum(LENGTHS) - BATCH
    check_against_rowwise(model, features, captions, lengths, logits.detach(), alphas.detach(),
                          ce.detach())
    torch.testing.assert_close(alphas.sum(-1), torch.ones(BATCH, n))

    unused = {"decoder.init_h.weight", "decoder.init_h.bias",
              "decoder.init_c.weight", "decoder.init_c.bias"} if zero_init_state else set()
    grads: dict[str, torch.Tensor] = {}
    for pname, p in model.named_parameters():
        if pname in unused:
            assert p.grad is None, pname
            grads[f"grad.{pname}"] = torch.zeros_like(p)
            continue
        assert p.grad is not None, f"{name}: {pname} has no gradient"
        if pname in ROUNDING_ONLY_GRADS:
            # Softmax is shift-invariant: this gradient is 0 in exact arithmetic.
            assert p.grad.abs().max() < 1e-6, f"{name}: {pname} gradient is not ~0"
        else:
            assert p.grad.abs().sum() > 0, f"{name}: gradient of {pname} is all zeros"
        grads[f"grad.{pname}"] = p.grad.detach().clone()
    # The <pad> token is only ever an input at padded steps: its embedding row gets nothing.
    assert torch.all(grads["grad.decoder.embedding.weight"][PAD] == 0)

    tensors: dict[str, torch.Tensor] = dict(initial)
    tensors.update({"images": images, "captions": captions, "lengths": lengths,
                    "features": features, "logits": logits, "alphas": alphas,
                    "loss": loss, "ce_loss": ce, "attention_loss": att})
    tensors.update(grads)
    tensors.update({f"after_forward.{k}": v for k, v in after_forward.items()})

    losses: list[float] = []
    if adam_steps:
        model.load_state_dict(initial, strict=True)  # parameters and BN buffers back to start
        opt = torch.optim.Adam(model.parameters(), foreach=False, **ADAM_KWARGS)
        model.train()
        for k in range(1, adam_steps + 1):
            opt.zero_grad()
            lg, al = model(images, captions, lengths)
            step_loss, _, _ = model.loss(lg, al, captions, lengths)
            step_loss.backward()
            opt.step()
            tensors[f"loss_step{k}"] = step_loss.detach().clone()
            losses.append(float(step_loss.detach()))
        assert torch.equal(tensors["loss_step1"], loss.detach()), "loss_step1 != loss"
        for k, v in model.state_dict().items():
            tensors[f"after_adam.{k}"] = v.detach().clone()
            if k in param_names:
                assert not torch.equal(v, initial[k]), f"{k} did not move under Adam"
        assert int(tensors["after_adam.encoder.bn1.num_batches_tracked"]) == adam_steps

    meta = {
        "seed": 0,
        "draw_order": "model parameters (state_dict order), images randn, caption tokens randint",
        "featureSize": cfg.feature_size, "embeddingSize": cfg.embedding_size,
        "attentionSize": cfg.attention_size, "hiddenSize": cfg.hidden_size,
        "vocabularySize": cfg.vocabulary_size, "imageSize": IMAGE_SIZE,
        "locations": L, "batch": BATCH, "encoder_channels": list(cfg.encoder_channels),
        "attentionActivation": cfg.attention_activation, "dropout": cfg.dropout,
        "alpha_c": cfg.alpha_c, "zero_init_state": cfg.zero_init_state,
        "mode": "train (BatchNorm uses batch statistics; eps 1e-5, momentum 0.1)",
        "tokens": f"<pad>={PAD} <start>={START} <end>={END}; words {FIRST_WORD}..{cfg.vocabulary_size - 1}",
        "lengths": LENGTHS, "decode_steps": n,
        "teacher_forcing": "step t: input captions[:, t], target captions[:, t+1], "
                           "real iff t+1 < lengths[b]; all rows computed at every step",
        "loss": "cross_entropy mean over real targets + alpha_c * mean_{b,i} "
                "(1 - sum_{t real for b} alphas[b,t,i])^2",
        "gate_order": "decode_step rows i,f,g,o (nn.LSTMCell)",
        "features_layout": "encoder feature map permute(0,2,3,1).reshape(B, L, D)",
    }
    meta["rounding_only_gradients"] = (
        "grad.decoder.attention.full_att.bias is 0 in exact arithmetic (softmax is "
        "shift-invariant); the stored value is float32 rounding: compare it with an absolute "
        "tolerance" + ("; after_adam.decoder.attention.full_att.bias moved only because Adam "
                       "normalises that rounding noise: do not compare it tightly"
                       if adam_steps else ""))
    if zero_init_state:
        meta["unused_parameters"] = ("decoder.init_h.*, decoder.init_c.* (zero initial state); "
                                     "their grad.* are saved as zeros")
    if adam_steps:
        meta.update({"optimizer": "Adam", "foreach": "False", "adam_steps": adam_steps,
                     "adam_start": "the saved initial parameters and buffers",
                     "losses": "loss_stepk is computed before step k"})
        for key, val in ADAM_KWARGS.items():
            if key == "betas":
                meta["beta1"], meta["beta2"] = repr(val[0]), repr(val[1])
            meta[key] = repr(val)
    save(name, tensors, meta)
    return {"loss": float(loss.detach()), "ce_loss": float(ce.detach()),
            "attention_loss": float(att.detach()),
            "adam_losses": losses}


# ---------------------------------------------------------------- verification
INT_KEYS = ("captions", "lengths")


def verify() -> None:
    """Read the files back: dtypes, contiguity, and the outputs again from the saved state."""
    for fname in sorted(os.listdir(OUT_DIR)):
        if not fname.endswith(".safetensors"):
            continue
        path = OUT_DIR / fname
        tensors = load_file(str(path))
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata()
        assert meta["generator"] == SCRIPT_NAME, fname
        for k, t in tensors.items():
            assert t.is_contiguous(), (fname, k)
            if k in INT_KEYS or k.endswith("num_batches_tracked"):
                assert t.dtype == torch.int64, (fname, k, t.dtype)
            else:
                assert t.dtype == torch.float32, (fname, k, t.dtype)
            assert torch.isfinite(t.float()).all(), (fname, k)
        for k in ("loss", "ce_loss", "attention_loss"):
            assert tensors[k].shape == (), (fname, k)

        cfg = small_config(meta["attentionActivation"], meta["zero_init_state"] == "True")
        model = Captioner(cfg)
        state_keys = list(model.state_dict().keys())
        model.load_state_dict({k: tensors[k] for k in state_keys}, strict=True)
        model.train()
        lg, al = model(tensors["images"], tensors["captions"], tensors["lengths"])
        loss, _, _ = captioning_loss(lg, al, tensors["captions"], tensors["lengths"], cfg.alpha_c)
        assert torch.equal(lg.detach(), tensors["logits"]), fname
        assert torch.equal(al.detach(), tensors["alphas"]), fname
        assert torch.equal(loss.detach(), tensors["loss"]), fname
        for k in state_keys:
            assert f"grad.{k}" in tensors or k.split(".")[-1] in (
                "running_mean", "running_var", "num_batches_tracked"), (fname, k)
            if k.split(".")[-1] in ("running_mean", "running_var", "num_batches_tracked"):
                assert torch.equal(model.state_dict()[k], tensors[f"after_forward.{k}"]), (fname, k)
        if "loss_step1" in tensors:
            assert all(f"after_adam.{k}" in tensors for k in state_keys), fname


README = """\
# Captioner fixtures

Reference tensors written by PyTorch for the Glimpse captioning-model golden tests
(encoder, soft attention, LSTMCell decoder, loss, gradients, Adam), from the reference module
`Scripts/reference/captioner_model.py`.

* Written by `Scripts/reference/captioner_fixture.py`; regenerate with
  `/path/to/venv/bin/python Scripts/reference/captioner_fixture.py`.
* Files:
  * `parity.safetensors` -- attention `tanh`, h0 = init_h(mean a), c0 = init_c(mean a);
    forward/backward, then three Adam steps.
  * `parity_relu_zero_init.safetensors` -- attention `relu`, h0 = c0 = 0; forward/backward only.
* Configuration (also in each file's metadata, as strings): D=16, E=12, A=10, H=20, V=23,
  image side 32 so L=16 locations, batch 3, encoder channels 3->32->64->128->16,
  dropout 0, alpha_c 1. Tokens: `<pad>`=0, `<start>`=1, `<end>`=2, words 4..22.
* Draw order after `torch.manual_seed(0)`: model parameters (PyTorch default init, in
  `state_dict` order), `images` = randn(3, 3, 32, 32), then the caption tokens. Both files
  share the initial parameters, images and captions.
* All float tensors are F32; `captions`, `lengths` and every `*num_batches_tracked` are I64
  (`num_batches_tracked` 0-d). Everything is contiguous.
* Names:
  * initial parameters and buffers under their exact `state_dict` names
    (`encoder.conv1.weight`, `encoder.bn1.{weight,bias,running_mean,running_var,num_batches_tracked}`,
    ..., `decoder.attention.encoder_att.weight`, `decoder.decode_step.weight_ih`, `decoder.fc.bias`);
  * inputs `images` [3,3,32,32], `captions` [3,7], `lengths` [3] = [7,5,3]
    (`<start>` in column 0, `<end>` in column length-1, `<pad>` after);
  * outputs `features` [3,16,16] (the encoder's a, for debugging), `logits` [3,6,23],
    `alphas` [3,6,16], and 0-d `loss`, `ce_loss`, `attention_loss`;
  * `grad.<param name>` -- gradient of `loss` for every parameter;
  * `after_forward.<bn buffer>` -- running_mean / running_var / num_batches_tracked of bn1..bn4
    after the one forward (momentum 0.1, running_var takes the unbiased batch variance);
  * `parity.safetensors` only: `loss_step1..3` and `after_adam.<name>` (every parameter and buffer).
* Forward convention (train mode, BatchNorm on batch statistics): decode steps
  n = max(lengths) - 1 = 6; at step t the input token is `captions[:, t]`, the target
  `captions[:, t+1]`, real iff t+1 < lengths[b]. Every row is computed at every step (no sorting,
  no shrinking batch), so `logits`/`alphas` at padded steps hold real numbers the loss ignores.
  loss = mean cross entropy over the real targets
  + alpha_c * mean over b and i of (1 - sum over real t of alphas[b,t,i])^2.
* Zero-init file: `decoder.init_h.*` and `decoder.init_c.*` are unused; their `grad.*` are
  zeros (PyTorch leaves them `None`). In both files `grad.decoder.embedding.weight` is zero in
  the `<pad>` row and in the rows of words that never appear as an input token.
* `grad.decoder.attention.full_att.bias` is 0 in exact arithmetic: that bias shifts every
  attention score e_i alike and softmax is shift-invariant, so it never changes any output.
  PyTorch stores float32 rounding (about -3.8e-9); compare it with an absolute tolerance
  (e.g. |g| < 1e-6), never a relative one. Adam divides that noise by its own square root, so
  `after_adam.decoder.attention.full_att.bias` moved (by about 5e-4) for no mathematical reason:
  skip it, or allow a difference of up to 3 * lr = 3e-3. The losses do not depend on it.
* Adam: the model is reset to the saved initial parameters *and* buffers, then
  `torch.optim.Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, foreach=False)` runs three steps of
  zero_grad -> forward (train) -> loss -> backward -> step. `loss_stepk` is the loss before step k
  (`loss_step1` equals `loss`); after three steps `num_batches_tracked` is 3.
* Regenerating gives identical tensor bytes; the JSON header may differ only in the order of
  its metadata keys (safetensors does not keep that order).
"""


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    results = {
        "parity.safetensors": fixture("parity.safetensors", "tanh", False, ADAM_STEPS),
        "parity_relu_zero_init.safetensors":
            fixture("parity_relu_zero_init.safetensors", "relu", True, 0),
    }
    (OUT_DIR / "README.md").write_text(README)
    verify()
    for fname, r in results.items():
        line = (f"{fname}: loss={r['loss']!r} ce_loss={r['ce_loss']!r} "
                f"attention_loss={r['attention_loss']!r}")
        if r["adam_losses"]:
            line += " adam losses=" + ", ".join(repr(x) for x in r["adam_losses"])
        print(line)
    for f in sorted(os.listdir(OUT_DIR)):
        print(f"{f:40s} {os.path.getsize(OUT_DIR / f):8d} bytes")


if __name__ == "__main__":
    main()
