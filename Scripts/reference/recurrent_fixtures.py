"""Reference fixtures for Glimpse's recurrent layers, written by PyTorch.

What it writes
--------------
Safetensors files in ``Tests/Fixtures/recurrent/`` (relative to the repository
root, found from this script's own location), plus a short README.md there:

Sequence modules (forward + backward through the whole module):

* ``rnn_tanh.safetensors``                           -- nn.RNN(3, 4, num_layers=2, tanh), time-major
* ``rnn_relu_bidirectional_batch_first.safetensors`` -- nn.RNN(3, 4, 2 layers, relu, bidirectional, batch_first)
* ``gru.safetensors``                                -- nn.GRU(3, 4, 2 layers, bidirectional), time-major
* ``lstm.safetensors``                               -- nn.LSTM(3, 4, 2 layers, bidirectional), time-major
* ``lstm_batch_first.safetensors``                   -- nn.LSTM(3, 4, 1 layer, batch_first)

Variable lengths (pack_padded_sequence(enforce_sorted=False) -> module ->
pad_packed_sequence(total_length=T)); the padded positions of ``x`` hold random
values that must not influence anything:

* ``lstm_packed.safetensors``  -- nn.LSTM(3, 4, 2 layers, bidirectional), time-major, lengths [3, 5, 1]
* ``gru_packed.safetensors``   -- nn.GRU(3, 4, 1 layer, bidirectional, batch_first), lengths [2, 4, 1]
* ``rnn_packed.safetensors``   -- nn.RNN(3, 4, 2 layers, tanh), time-major, lengths [4, 2]

Single cells (batch 3, input 5, hidden 4):

* ``rnncell_tanh.safetensors``, ``rnncell_relu.safetensors``, ``grucell.safetensors``,
  ``lstmcell.safetensors``

Training:

* ``lstm_three_steps_of_adam.safetensors`` -- LSTM(3, 4) + Linear(4, 2), cross entropy,
  three steps of Adam(lr=0.01)

Conventions
-----------
* All float tensors are float32 (F32), index/length tensors int64 (I64); every
  tensor is saved contiguous.
* Parameters keep PyTorch's default initialisation (drawn right after
  ``torch.manual_seed(0)``) and are saved under their exact ``state_dict`` names
  (``weight_ih_l0``, ``bias_hh_l1_reverse``, ``weight_ih`` for cells, ...).
  Dropout is 0 everywhere.
* Gradients: a random upstream gradient is drawn for every output the module
  returns -- ``gy`` for the output sequence, ``ghn`` for h_n, ``gcn`` for c_n
  (cells: ``gh1``, ``gc1``) -- and
      loss = (out * gy).sum() + (hn * ghn).sum() [+ (cn * gcn).sum()].
  Saved gradients of that loss: ``grad_x``, ``grad_h0`` (``grad_c0``) and
  ``grad.<param name>`` for every parameter.
* Initial states ``h0``/``c0`` are randn * 0.5 and require grad; ``x`` is randn.
* Each fixture file calls ``torch.manual_seed(0)`` before building its module and
  drawing its data, so the values of one file do not depend on the others.
  Draw order: module parameters, x, h0, (c0), gy, ghn, (gcn). The one exception is
  ``rnn_relu_bidirectional_batch_first``, drawn after ``torch.manual_seed(4)``: with
  seeds 0-3 dead ReLU units cut some slice of h0 off from the loss (seed 0: all of
  layer 0's forward direction), so part of ``grad_h0`` would be zero. The script asserts
  that every h0[i, b] reaches the loss. The seed is in every file's metadata (``seed``).

How to run
----------
    /path/to/venv/bin/python Scripts/reference/recurrent_fixtures.py

(needs torch, numpy and safetensors; the working directory does not matter).
The script reads every file back at the end and checks dtypes, contiguity and
that the gradients are non-zero where they should be.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.set_default_dtype(torch.float32)

REPO_ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = REPO_ROOT / "Tests" / "Fixtures" / "recurrent"

SCRIPT_NAME = "Scripts/reference/recurrent_fixtures.py"

GATE_ORDER = {
    "LSTM": "i,f,g,o (rows of weight_ih/weight_hh/bias_*: input, forget, cell, output)",
    "LSTMCell": "i,f,g,o (rows of weight_ih/weight_hh/bias_*: input, forget, cell, output)",
    "GRU": "r,z,n (rows of weight_ih/weight_hh/bias_*: reset, update, new); "
           "n = tanh(W_in x + b_in + r * (W_hn h + b_hn))",
    "GRUCell": "r,z,n (rows of weight_ih/weight_hh/bias_*: reset, update, new); "
               "n = tanh(W_in x + b_in + r * (W_hn h + b_hn))",
}


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


def leaf(t: torch.Tensor) -> torch.Tensor:
    return t.detach().clone().requires_grad_(True)


def params_and_grads(module: nn.Module) -> dict[str, torch.Tensor]:
    """Parameters under their state_dict names, then ``grad.<name>`` for each."""
    named = list(module.named_parameters())
    assert [n for n, _ in named] == list(module.state_dict().keys())
    out: dict[str, torch.Tensor] = {}
    for name, p in named:
        out[name] = p
    for name, p in named:
        assert p.grad is not None, name
        out[f"grad.{name}"] = p.grad
    return out


def module_meta(kind: str, m: nn.RNNBase) -> dict:
    meta = {
        "module": kind,
        "input_size": m.input_size,
        "hidden_size": m.hidden_size,
        "num_layers": m.num_layers,
        "bidirectional": m.bidirectional,
        "batch_first": m.batch_first,
        "bias": m.bias,
        "dropout": m.dropout,
    }
    if kind == "RNN":
        meta["nonlinearity"] = m.nonlinearity
    if kind in GATE_ORDER:
        meta["gate_order"] = GATE_ORDER[kind]
    return meta


# ---------------------------------------------------------------- 1-5. sequence modules
def sequence_fixture(name: str, kind: str, x_shape, num_layers: int, bidirectional: bool,
                     batch_first: bool, nonlinearity: str | None = None,
                     lengths: list[int] | None = None, seed_value: int = 0) -> None:
    seed(seed_value)
    input_size, hidden_size = 3, 4
    kwargs = dict(num_layers=num_layers, bidirectional=bidirectional,
                  batch_first=batch_first, dropout=0.0)
    if kind == "RNN":
        module = nn.RNN(input_size, hidden_size, nonlinearity=nonlinearity, **kwargs)
    elif kind == "GRU":
        module = nn.GRU(input_size, hidden_size, **kwargs)
    elif kind == "LSTM":
        module = nn.LSTM(input_size, hidden_size, **kwargs)
    else:
        raise ValueError(kind)

    batch = x_shape[0] if batch_first else x_shape[1]
    T = x_shape[1] if batch_first else x_shape[0]
    num_dirs = 2 if bidirectional else 1
    is_lstm = kind == "LSTM"

    x = leaf(torch.randn(*x_shape))  # padded positions (if any) are random too
    h0 = leaf(torch.randn(num_layers * num_dirs, batch, hidden_size) * 0.5)
    c0 = leaf(torch.randn(num_layers * num_dirs, batch, hidden_size) * 0.5) if is_lstm else None
    state = (h0, c0) if is_lstm else h0

    def run(inp: torch.Tensor):
        if lengths is None:
            return module(inp, state)
        lens = torch.tensor(lengths, dtype=torch.int64)
        packed = pack_padded_sequence(inp, lens, batch_first=batch_first, enforce_sorted=False)
        packed_out, st = module(packed, state)
        padded, out_lens = pad_packed_sequence(packed_out, batch_first=batch_first, total_length=T)
        assert out_lens.tolist() == lengths
        return padded, st

    out, st = run(x)
    hn, cn = st if is_lstm else (st, None)

    gy = torch.randn(out.shape)
    ghn = torch.randn(hn.shape)
    gcn = torch.randn(cn.shape) if is_lstm else None

    loss = (out * gy).sum() + (hn * ghn).sum()
    if is_lstm:
        loss = loss + (cn * gcn).sum()
    loss.backward()

    # Every slice of h0 (layer/direction, batch element) must reach the loss; with ReLU a
    # whole direction can be dead at t=0 for some seeds, which would leave a path untested.
    for i in range(h0.shape[0]):
        for b in range(batch):
            assert h0.grad[i, b].abs().sum() > 0, f"{name}: h0[{i}, {b}] does not reach the loss"

    if lengths is not None:
        # The padded positions of x must not matter: rerun with other padding values.
        with torch.no_grad():
            x_alt = x.detach().clone()
            mask = valid_mask(lengths, T, batch_first)
            x_alt[~mask] = torch.randn(int((~mask).sum()), x_shape[2]) * 10  # drawn after all saved data
            out_alt, st_alt = run(x_alt)
            assert torch.equal(out_alt, out.detach())
            if is_lstm:
                assert torch.equal(st_alt[0], hn.detach()) and torch.equal(st_alt[1], cn.detach())
            else:
                assert torch.equal(st_alt, hn.detach())
            assert torch.all(out.detach()[~mask] == 0)

    tensors: dict[str, torch.Tensor] = {"x": x, "h0": h0}
    if is_lstm:
        tensors["c0"] = c0
    if lengths is not None:
        tensors["lengths"] = torch.tensor(lengths, dtype=torch.int64)
    tensors.update({"out": out, "hn": hn})
    if is_lstm:
        tensors["cn"] = cn
    tensors.update({"gy": gy, "ghn": ghn})
    if is_lstm:
        tensors["gcn"] = gcn
    tensors.update({"grad_x": x.grad, "grad_h0": h0.grad})
    if is_lstm:
        tensors["grad_c0"] = c0.grad
    tensors.update(params_and_grads(module))

    meta = module_meta(kind, module)
    meta["seed"] = seed_value
    meta["layout_out"] = ("[batch, time, num_directions*hidden]" if batch_first
                          else "[time, batch, num_directions*hidden]")
    meta["layout_hn"] = "[num_layers*num_directions, batch, hidden], index = layer*num_directions + direction"
    if lengths is not None:
        meta["lengths"] = lengths
        meta["packing"] = ("pack_padded_sequence(enforce_sorted=False) -> module -> "
                           f"pad_packed_sequence(total_length={T}); padded outputs are 0")
    meta["loss"] = "(out*gy).sum() + (hn*ghn).sum()" + (" + (cn*gcn).sum()" if is_lstm else "")
    save(name, tensors, meta)


def valid_mask(lengths: list[int], T: int, batch_first: bool) -> torch.Tensor:
    """Boolean [T, B] (or [B, T]) mask of the non-padded positions."""
    lens = torch.tensor(lengths)
    m = torch.arange(T)[:, None] < lens[None, :]  # [T, B]
    return m.t().contiguous() if batch_first else m


# ---------------------------------------------------------------- 7. cells
def cell_fixture(name: str, kind: str, nonlinearity: str | None = None) -> None:
    seed()
    batch, input_size, hidden_size = 3, 5, 4
    if kind == "RNNCell":
        cell = nn.RNNCell(input_size, hidden_size, nonlinearity=nonlinearity)
    elif kind == "GRUCell":
        cell = nn.GRUCell(input_size, hidden_size)
    elif kind == "LSTMCell":
        cell = nn.LSTMCell(input_size, hidden_size)
    else:
        raise ValueError(kind)
    is_lstm = kind == "LSTMCell"

    x = leaf(torch.randn(batch, input_size))
    h0 = leaf(torch.randn(batch, hidden_size) * 0.5)
    c0 = leaf(torch.randn(batch, hidden_size) * 0.5) if is_lstm else None

    if is_lstm:
        h1, c1 = cell(x, (h0, c0))
    else:
        h1, c1 = cell(x, h0), None
    gh1 = torch.randn(h1.shape)
    gc1 = torch.randn(c1.shape) if is_lstm else None
    loss = (h1 * gh1).sum()
    if is_lstm:
        loss = loss + (c1 * gc1).sum()
    loss.backward()

    tensors: dict[str, torch.Tensor] = {"x": x, "h0": h0}
    if is_lstm:
        tensors["c0"] = c0
    tensors["h1"] = h1
    if is_lstm:
        tensors["c1"] = c1
    tensors["gh1"] = gh1
    if is_lstm:
        tensors["gc1"] = gc1
    tensors.update({"grad_x": x.grad, "grad_h0": h0.grad})
    if is_lstm:
        tensors["grad_c0"] = c0.grad
    tensors.update(params_and_grads(cell))

    meta = {"module": kind, "seed": 0, "input_size": input_size, "hidden_size": hidden_size,
            "batch": batch, "bias": cell.bias,
            "loss": "(h1*gh1).sum()" + (" + (c1*gc1).sum()" if is_lstm else "")}
    if kind == "RNNCell":
        meta["nonlinearity"] = cell.nonlinearity
    if kind in GATE_ORDER:
        meta["gate_order"] = GATE_ORDER[kind]
    save(name, tensors, meta)


# ---------------------------------------------------------------- 8. training with Adam
class LSTMClassifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.LSTM(3, 4, num_layers=1)
        self.fc = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # zero initial state (h0 = c0 = None)
        return self.fc(out)


def adam_fixture() -> None:
    seed()
    model = LSTMClassifier()
    x = torch.randn(6, 2, 3)
    targets = torch.randint(0, 2, (6, 2), dtype=torch.int64)
    adam_kwargs = dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    opt = torch.optim.Adam(model.parameters(), foreach=False, **adam_kwargs)

    names = list(model.state_dict().keys())
    assert names == [n for n, _ in model.named_parameters()]
    tensors: dict[str, torch.Tensor] = {"x": x, "targets": targets}
    for n, p in model.named_parameters():
        tensors[n] = p.detach().clone()

    steps = 3
    for k in range(1, steps + 1):
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, 2), targets.reshape(-1))
        loss.backward()
        tensors[f"loss_{k}"] = loss.detach().clone()
        opt.step()
    for n, p in model.named_parameters():
        tensors[f"after.{n}"] = p.detach().clone()
        assert not torch.equal(tensors[n], tensors[f"after.{n}"]), n

    meta = {
        "module": "LSTM(3, 4, num_layers=1) -> Linear(4, 2), named rnn and fc", "seed": 0,
        "input_size": 3, "hidden_size": 4, "num_layers": 1, "bidirectional": False,
        "batch_first": False, "num_classes": 2, "gate_order": GATE_ORDER["LSTM"],
        "initial_state": "zeros (h0 = c0 = None)",
        "loss": "cross_entropy(fc(out).reshape(-1, 2), targets.reshape(-1)), mean",
        "optimizer": "Adam", "foreach": "False", "steps": steps,
        "losses": "loss_k is computed before step k",
    }
    for key, val in adam_kwargs.items():
        if key == "betas":
            meta["beta1"], meta["beta2"] = repr(val[0]), repr(val[1])
        meta[key] = repr(val)
    save("lstm_three_steps_of_adam.safetensors", tensors, meta)


# ---------------------------------------------------------------- verification
def verify() -> None:
    """Read every file back and check dtypes, contiguity and non-zero gradients."""
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
            if k in ("lengths", "targets"):
                assert t.dtype == torch.int64, (fname, k, t.dtype)
            else:
                assert t.dtype == torch.float32, (fname, k, t.dtype)
            assert torch.isfinite(t.float()).all(), (fname, k)
        grads = {k: t for k, t in tensors.items() if k.startswith("grad")}
        for k, g in grads.items():
            assert g.abs().sum() > 0, f"{fname}: {k} is all zeros"
        if "lengths" in tensors:
            lengths = tensors["lengths"].tolist()
            batch_first = meta["batch_first"] == "True"
            T = tensors["x"].shape[1] if batch_first else tensors["x"].shape[0]
            mask = valid_mask(lengths, T, batch_first)
            gx = tensors["grad_x"]
            assert torch.all(gx[~mask] == 0), f"{fname}: grad_x non-zero at padding"
            assert torch.all(gx[mask].abs().sum(-1) > 0), f"{fname}: grad_x zero at a valid step"
            assert torch.all(tensors["out"][~mask] == 0), f"{fname}: out non-zero at padding"
            assert meta["lengths"] == str(lengths)
        elif "grad_x" in tensors:
            gx = tensors["grad_x"]
            assert torch.all(gx.abs().sum(-1) > 0), f"{fname}: grad_x has a zero row"
        for k in ("grad_h0", "grad_c0"):
            if k in tensors:
                assert torch.all(tensors[k].abs().sum(-1) > 0), f"{fname}: {k} has a zero slice"
        if fname.startswith("lstm_three_steps_of_adam"):
            for k in ("loss_1", "loss_2", "loss_3"):
                assert tensors[k].shape == (), k
        zero_elems = {k: int((g == 0).sum()) for k, g in grads.items() if int((g == 0).sum())}
        if zero_elems and "lengths" not in tensors:
            print(f"  note {fname}: exact-zero gradient elements {zero_elems}")


README = """\
# Recurrent fixtures

Reference tensors written by PyTorch for the Glimpse recurrent-layer tests
(RNN tanh/relu, GRU, LSTM -- multi-layer, bidirectional, batch-first, variable lengths --
the four single cells, and three Adam steps of a small LSTM classifier).

* Written by `Scripts/reference/recurrent_fixtures.py`; regenerate with
  `/path/to/venv/bin/python Scripts/reference/recurrent_fixtures.py`.
  Each file is drawn after `torch.manual_seed(0)`: module parameters (PyTorch default init),
  then x, h0, (c0), then the upstream gradients. Exception: `rnn_relu_bidirectional_batch_first`
  uses seed 4, the first seed where dead ReLU units do not cut any slice of `h0` off from the
  loss (with seed 0 all of `grad_h0[0]` would be zero). The seed is in each file's metadata.
* All float tensors are F32, `lengths`/`targets` I64; everything is contiguous. Dropout is 0.
* Parameters are stored under their exact PyTorch `state_dict` names
  (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `..._reverse`, `..._l1`;
  cells: `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`). Gate order of the stacked rows:
  LSTM i,f,g,o; GRU r,z,n with n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).
* Layouts: `out` is [T, B, D*H] (or [B, T, D*H] when `batch_first`), the forward direction
  in the first H features, the reverse one in the last H; `h0`/`hn`/`c0`/`cn` are
  [num_layers*D, B, H] with index layer*D + direction (never batch-first).
* Gradient convention: a random upstream gradient is drawn for every output --
  `gy` for `out`, `ghn` for `hn`, `gcn` for `cn` -- and
  loss = (out*gy).sum() + (hn*ghn).sum() [+ (cn*gcn).sum()].
  `grad_x`, `grad_h0`, `grad_c0` and `grad.<param name>` are gradients of that loss.
  Cells: outputs `h1` (`c1`), upstream `gh1` (`gc1`), loss = (h1*gh1).sum() [+ (c1*gc1).sum()].
* Initial states are randn * 0.5 (and get gradients); x is randn.
* `*_packed.safetensors`: `lengths` (I64) per batch element; the sequence goes through
  `pack_padded_sequence(enforce_sorted=False)` and back through
  `pad_packed_sequence(total_length=T)`. Padded positions of `x` are random and do not
  matter; `out` is 0 there and `grad_x` is 0 there. `hn`/`cn` are each sequence's own final
  state (the reverse direction starts at step length-1). `gy` is random everywhere.
* `lstm_three_steps_of_adam.safetensors`: model = LSTM(3, 4) named `rnn` + Linear(4, 2) named
  `fc`, zero initial state, loss = cross_entropy(fc(out).reshape(-1, 2), targets.reshape(-1)),
  Adam(lr=0.01, betas=(0.9, 0.999), eps=1e-8, foreach=False). Holds `x`, `targets`, the
  initial parameters under their names (`rnn.weight_ih_l0`, ..., `fc.bias`), `loss_1..loss_3`
  (scalars, each computed before its step) and the parameters after three steps as
  `after.<name>`.
* Module configuration (module, sizes, num_layers, bidirectional, batch_first, nonlinearity,
  lengths, seed, ...) is in each file's safetensors metadata, as strings. With ReLU some
  gradient elements are exactly zero (dead units); that is expected.
* Regenerating gives identical tensor bytes; the JSON header may differ only in the order of
  its metadata keys (safetensors does not keep that order).
"""


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    # 1-5. whole sequence modules
    sequence_fixture("rnn_tanh.safetensors", "RNN", (5, 2, 3), num_layers=2,
                     bidirectional=False, batch_first=False, nonlinearity="tanh")
    # Seed 4, not 0: with seeds 0-3 some h0 slice (layer/direction, batch element) is cut off
    # by dead ReLU units at its first step (seed 0: all of layer 0's forward direction), so its
    # grad_h0 is zero and that path goes untested. 4 is the first seed where all of h0 matters.
    sequence_fixture("rnn_relu_bidirectional_batch_first.safetensors", "RNN", (2, 5, 3),
                     num_layers=2, bidirectional=True, batch_first=True, nonlinearity="relu",
                     seed_value=4)
    sequence_fixture("gru.safetensors", "GRU", (5, 2, 3), num_layers=2,
                     bidirectional=True, batch_first=False)
    sequence_fixture("lstm.safetensors", "LSTM", (5, 3, 3), num_layers=2,
                     bidirectional=True, batch_first=False)
    sequence_fixture("lstm_batch_first.safetensors", "LSTM", (3, 5, 3), num_layers=1,
                     bidirectional=False, batch_first=True)
    # 6. variable lengths
    sequence_fixture("lstm_packed.safetensors", "LSTM", (5, 3, 3), num_layers=2,
                     bidirectional=True, batch_first=False, lengths=[3, 5, 1])
    sequence_fixture("gru_packed.safetensors", "GRU", (3, 4, 3), num_layers=1,
                     bidirectional=True, batch_first=True, lengths=[2, 4, 1])
    sequence_fixture("rnn_packed.safetensors", "RNN", (4, 2, 3), num_layers=2,
                     bidirectional=False, batch_first=False, nonlinearity="tanh",
                     lengths=[4, 2])
    # 7. cells
    cell_fixture("rnncell_tanh.safetensors", "RNNCell", nonlinearity="tanh")
    cell_fixture("rnncell_relu.safetensors", "RNNCell", nonlinearity="relu")
    cell_fixture("grucell.safetensors", "GRUCell")
    cell_fixture("lstmcell.safetensors", "LSTMCell")
    # 8. training
    adam_fixture()

    (OUT_DIR / "README.md").write_text(README)
    verify()
    for f in sorted(os.listdir(OUT_DIR)):
        print(f"{f:50s} {os.path.getsize(OUT_DIR / f):8d} bytes")


if __name__ == "__main__":
    main()
