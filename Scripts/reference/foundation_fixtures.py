"""Reference fixtures for Glimpse's foundation layers, written by PyTorch.

What it writes
--------------
Safetensors files in ``Tests/Fixtures/foundation/`` (relative to the repository
root, found from this script's own location), plus a short README.md there:

* ``linear.safetensors``                  -- nn.functional.linear forward/backward
* ``conv2d_s1p1.safetensors``             -- conv2d, stride 1, padding 1, with bias
* ``conv2d_s2p1.safetensors``             -- conv2d, stride 2, padding 1, with bias
* ``conv2d_s2p0_nobias.safetensors``      -- conv2d, stride 2, padding 0, no bias
* ``batchnorm2d_train.safetensors``       -- BatchNorm2d in train mode (+ running stats update)
* ``batchnorm2d_eval.safetensors``        -- BatchNorm2d in eval mode
* ``maxpool2d_k2s2.safetensors``          -- max_pool2d kernel 2, stride 2, padding 0
* ``maxpool2d_k3s2p1.safetensors``        -- max_pool2d kernel 3, stride 2, padding 1
* ``embedding.safetensors``               -- nn.functional.embedding forward/backward
* ``cross_entropy.safetensors``           -- F.cross_entropy, ignore_index=-100, mean
* ``cross_entropy_weighted.safetensors``  -- same with per-class weights
* ``optim_<case>.safetensors``            -- five optimizer steps with fixed gradients
  (cases: sgd, sgd_momentum, sgd_nesterov, adagrad, rmsprop,
  rmsprop_centered_momentum, adam, adamw); hyperparameters are in the metadata
* ``schedules.safetensors``               -- StepLR, ExponentialLR, ReduceLROnPlateau
* ``clip.safetensors``                    -- clip_grad_norm_ and clip_grad_value_
* ``python_written.safetensors``          -- a plain file for testing the Swift reader

Conventions
-----------
* All float tensors are float32 (F32), all index tensors int64 (I64); every
  tensor is saved contiguous.
* Gradients of layers: a random upstream gradient ``gy`` with the output's
  shape is drawn, loss = (y * gy).sum(), and every ``grad_*`` tensor is the
  gradient of that loss. Cross entropy is the exception: its ``grad_logits``
  is the gradient of the scalar loss itself (no gy).
* Each fixture group calls ``torch.manual_seed(0)`` before drawing its data,
  so the values of one group do not depend on the others.

How to run
----------
    /path/to/venv/bin/python Scripts/reference/foundation_fixtures.py

(needs torch, numpy and safetensors; the working directory does not matter).
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

torch.set_default_dtype(torch.float32)

REPO_ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = REPO_ROOT / "Tests" / "Fixtures" / "foundation"

SCRIPT_NAME = "Scripts/reference/foundation_fixtures.py"


def seed() -> None:
    torch.manual_seed(0)


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


def leaf(t: torch.Tensor) -> torch.Tensor:
    return t.detach().clone().requires_grad_(True)


# ---------------------------------------------------------------- 1. linear
def linear_fixture() -> None:
    seed()
    x = leaf(torch.randn(4, 5))
    weight = leaf(torch.randn(3, 5))
    bias = leaf(torch.randn(3))
    gy = torch.randn(4, 3)
    y = F.linear(x, weight, bias)  # x @ weight.T + bias
    (y * gy).sum().backward()
    save("linear.safetensors", {
        "x": x, "weight": weight, "bias": bias, "gy": gy, "y": y,
        "grad_x": x.grad, "grad_weight": weight.grad, "grad_bias": bias.grad,
    })


# ---------------------------------------------------------------- 2. conv2d
def conv2d_fixture(name: str, x_shape, w_shape, has_bias: bool, stride: int, padding: int) -> None:
    seed()
    x = leaf(torch.randn(*x_shape))
    weight = leaf(torch.randn(*w_shape))
    bias = leaf(torch.randn(w_shape[0])) if has_bias else None
    y = F.conv2d(x, weight, bias, stride=stride, padding=padding)
    gy = torch.randn(y.shape)
    (y * gy).sum().backward()
    tensors = {"x": x, "weight": weight}
    if has_bias:
        tensors["bias"] = bias
    tensors.update({"gy": gy, "y": y, "grad_x": x.grad, "grad_weight": weight.grad})
    if has_bias:
        tensors["grad_bias"] = bias.grad
    save(name, tensors, {"stride": stride, "padding": padding, "bias": has_bias})


# ---------------------------------------------------------------- 3. batchnorm2d
def batchnorm_fixtures() -> None:
    seed()
    eps, momentum = 1e-5, 0.1
    x0 = torch.randn(4, 3, 5, 5)
    w0 = 1 + 0.1 * torch.randn(3)
    b0 = 0.1 * torch.randn(3)
    rm0 = 0.1 * torch.randn(3)
    rv0 = 1 + 0.1 * torch.rand(3)
    gy = torch.randn(4, 3, 5, 5)

    for mode in ("train", "eval"):
        bn = torch.nn.BatchNorm2d(3, eps=eps, momentum=momentum)
        with torch.no_grad():
            bn.weight.copy_(w0)
            bn.bias.copy_(b0)
            bn.running_mean.copy_(rm0)
            bn.running_var.copy_(rv0)
        bn.train(mode == "train")
        x = leaf(x0)
        y = bn(x)
        (y * gy).sum().backward()
        if mode == "eval":
            assert torch.equal(bn.running_mean, rm0) and torch.equal(bn.running_var, rv0)
        save(f"batchnorm2d_{mode}.safetensors", {
            "x": x, "weight": w0, "bias": b0,
            "running_mean_before": rm0, "running_var_before": rv0,
            "gy": gy, "y": y,
            "grad_x": x.grad, "grad_weight": bn.weight.grad, "grad_bias": bn.bias.grad,
            "running_mean_after": bn.running_mean, "running_var_after": bn.running_var,
        }, {"mode": mode, "num_features": 3, "eps": eps, "momentum": momentum,
            "running_var_update": "unbiased batch variance (N/(N-1))" if mode == "train" else "none"})


# ---------------------------------------------------------------- 4. maxpool2d
def maxpool_fixture(name: str, x_shape, kernel: int, stride: int, padding: int) -> None:
    seed()
    x = leaf(torch.randn(*x_shape))
    y = F.max_pool2d(x, kernel_size=kernel, stride=stride, padding=padding)
    gy = torch.randn(y.shape)
    (y * gy).sum().backward()
    save(name, {"x": x, "gy": gy, "y": y, "grad_x": x.grad},
         {"kernel": kernel, "stride": stride, "padding": padding})


# ---------------------------------------------------------------- 5. embedding
def embedding_fixture() -> None:
    seed()
    weight = leaf(torch.randn(10, 4))
    # 15 indices drawn from 10 values always contain repeats (pigeonhole).
    indices = torch.randint(0, 10, (3, 5), dtype=torch.int64)
    assert indices.unique().numel() < indices.numel()
    y = F.embedding(indices, weight)
    gy = torch.randn(y.shape)
    (y * gy).sum().backward()
    save("embedding.safetensors", {
        "weight": weight, "indices": indices, "gy": gy, "y": y, "grad_weight": weight.grad,
    })


# ---------------------------------------------------------------- 6. cross entropy
def cross_entropy_fixtures() -> None:
    seed()
    logits0 = torch.randn(6, 7) * 2
    targets = torch.randint(0, 7, (6,), dtype=torch.int64)
    targets[1] = -100
    targets[4] = -100
    class_weight = torch.rand(7) + 0.5

    logits = leaf(logits0)
    loss = F.cross_entropy(logits, targets, ignore_index=-100, reduction="mean")
    loss.backward()
    save("cross_entropy.safetensors", {
        "logits": logits, "targets": targets, "loss": loss, "grad_logits": logits.grad,
    }, {"ignore_index": -100, "reduction": "mean"})

    logits = leaf(logits0)
    loss = F.cross_entropy(logits, targets, weight=class_weight, ignore_index=-100, reduction="mean")
    loss.backward()
    save("cross_entropy_weighted.safetensors", {
        "logits": logits, "targets": targets, "class_weight": class_weight,
        "loss": loss, "grad_logits": logits.grad,
    }, {"ignore_index": -100, "reduction": "mean (weighted: sum(w_t * nll) / sum(w_t))"})


# ---------------------------------------------------------------- 7. optimizers
OPTIM_CASES = {
    "sgd": (torch.optim.SGD, dict(lr=0.1)),
    "sgd_momentum": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    "sgd_nesterov": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    "adagrad": (torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.01, weight_decay=0.01,
                                          initial_accumulator_value=0.1, eps=1e-10)),
    "rmsprop": (torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.01)),
    "rmsprop_centered_momentum": (torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, eps=1e-8,
                                                            momentum=0.5, centered=True)),
    "adam": (torch.optim.Adam, dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)),
    "adamw": (torch.optim.AdamW, dict(lr=0.01, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.1)),
}


def optimizer_fixtures() -> None:
    for case, (cls, kwargs) in OPTIM_CASES.items():
        seed()
        p0 = torch.randn(3, 4)
        grads = [torch.randn(3, 4) for _ in range(5)]
        p = torch.nn.Parameter(p0.clone())
        opt = cls([p], foreach=False, **kwargs)
        tensors = {"p0": p0}
        for k, g in enumerate(grads, start=1):
            tensors[f"g{k}"] = g
        for k, g in enumerate(grads, start=1):
            p.grad = g.clone()
            opt.step()
            tensors[f"p{k}"] = p.detach().clone()
        meta = {"optimizer": cls.__name__, "foreach": "False", "steps": 5}
        for key, val in kwargs.items():
            if key == "betas":
                meta["beta1"], meta["beta2"] = repr(val[0]), repr(val[1])
            meta[key] = repr(val)
        save(f"optim_{case}.safetensors", tensors, meta)


# ---------------------------------------------------------------- 8. schedules
def schedule_fixtures() -> None:
    seed()
    steps = 12

    def run(make_sched, metrics=None):
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=1.0)
        sched = make_sched(opt)
        lrs = []
        for i in range(steps):
            opt.step()  # no grad -> no-op; keeps the step order torch expects
            if metrics is None:
                sched.step()
            else:
                sched.step(metrics[i])
            lrs.append(opt.param_groups[0]["lr"])
        return torch.tensor(lrs, dtype=torch.float32)

    plateau_metrics = [5.0, 4.0, 4.0, 4.0, 4.0, 4.0, 3.9999, 3.0, 3.0, 3.0, 3.0, 3.0]
    step_lr = run(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5))
    exp_lr = run(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9))
    plateau_lr = run(lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(
        o, mode="min", factor=0.5, patience=2, threshold=1e-4, cooldown=1, min_lr=0.01),
        metrics=plateau_metrics)
    save("schedules.safetensors", {
        "step_lr": step_lr, "exponential_lr": exp_lr, "plateau_lr": plateau_lr,
        "plateau_metrics": torch.tensor(plateau_metrics, dtype=torch.float32),
    }, {"initial_lr": 1.0, "steps": steps,
        "step_lr": "StepLR(step_size=3, gamma=0.5)",
        "exponential_lr": "ExponentialLR(gamma=0.9)",
        "plateau_lr": "ReduceLROnPlateau(mode='min', factor=0.5, patience=2, threshold=1e-4, "
                      "threshold_mode='rel', cooldown=1, min_lr=0.01, eps=1e-8)",
        "recorded": "optimizer.param_groups[0]['lr'] after each scheduler.step()"})


# ---------------------------------------------------------------- 9. clipping
def clip_fixture() -> None:
    seed()
    a_before = torch.randn(3, 4) * 3
    b_before = torch.randn(5) * 3

    a = torch.nn.Parameter(torch.zeros(3, 4))
    b = torch.nn.Parameter(torch.zeros(5))
    a.grad, b.grad = a_before.clone(), b_before.clone()
    total_norm = torch.nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    clip_a_after, clip_b_after = a.grad.clone(), b.grad.clone()

    a.grad, b.grad = a_before.clone(), b_before.clone()
    torch.nn.utils.clip_grad_value_([a, b], clip_value=0.5)
    value_a_after, value_b_after = a.grad.clone(), b.grad.clone()

    save("clip.safetensors", {
        "clip_a_before": a_before, "clip_b_before": b_before, "total_norm": total_norm,
        "clip_a_after": clip_a_after, "clip_b_after": clip_b_after,
        "value_a_after": value_a_after, "value_b_after": value_b_after,
    }, {"max_norm": 1.0, "norm_type": 2.0, "clip_value": 0.5,
        "clip_rule": "grad *= min(1, max_norm / (total_norm + 1e-6))"})


# ---------------------------------------------------------------- 10. plain file
def python_written_fixture() -> None:
    tensors = {
        "f32": torch.arange(6, dtype=torch.float32).reshape(2, 3).contiguous(),
        "i64": torch.arange(4, dtype=torch.int64),
        "scalar": torch.tensor(3.5, dtype=torch.float32),
    }
    save_file(tensors, str(OUT_DIR / "python_written.safetensors"),
              metadata={"format": "pt", "note": "written by Python"})


README = """\
# Foundation fixtures

Reference tensors written by PyTorch for the Glimpse foundation tests
(linear, conv2d, batchnorm2d, maxpool2d, embedding, cross entropy, optimizers,
learning-rate schedules, gradient clipping, and a plain safetensors file for the reader).

* Written by `Scripts/reference/foundation_fixtures.py`; regenerate with
  `/path/to/venv/bin/python Scripts/reference/foundation_fixtures.py`.
  Each fixture group is drawn after `torch.manual_seed(0)`.
* All float tensors are F32, index tensors I64; everything is contiguous.
* Gradient convention: a random upstream gradient `gy` with the output's shape is drawn,
  loss = (y * gy).sum(), and every `grad_*` is the gradient of that loss.
  Cross entropy is the exception: `grad_logits` is the gradient of the scalar loss itself.
* Optimizer files (`optim_<case>.safetensors`) hold p0, fixed gradients g1..g5 and the
  parameter after each step p1..p5; hyperparameters are in the safetensors metadata.
"""


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    linear_fixture()
    conv2d_fixture("conv2d_s1p1.safetensors", (2, 3, 7, 6), (4, 3, 3, 3), True, 1, 1)
    conv2d_fixture("conv2d_s2p1.safetensors", (2, 3, 9, 8), (5, 3, 3, 3), True, 2, 1)
    conv2d_fixture("conv2d_s2p0_nobias.safetensors", (2, 2, 7, 7), (3, 2, 3, 3), False, 2, 0)
    batchnorm_fixtures()
    maxpool_fixture("maxpool2d_k2s2.safetensors", (2, 3, 6, 6), 2, 2, 0)
    maxpool_fixture("maxpool2d_k3s2p1.safetensors", (2, 2, 7, 7), 3, 2, 1)
    embedding_fixture()
    cross_entropy_fixtures()
    optimizer_fixtures()
    schedule_fixtures()
    clip_fixture()
    python_written_fixture()
    (OUT_DIR / "README.md").write_text(README)
    for f in sorted(os.listdir(OUT_DIR)):
        print(f"{f:40s} {os.path.getsize(OUT_DIR / f):8d} bytes")


if __name__ == "__main__":
    main()
