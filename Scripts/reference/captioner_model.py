"""PyTorch reference of Glimpse's image captioning model (Show, Attend and Tell style).

What it is
----------
An importable module (no side effects on import) defining

* ``Encoder``   -- four conv blocks, image [B, 3, S, S] -> annotation vectors a [B, L, D]
* ``Attention`` -- soft (additive) attention over the L annotation vectors
* ``Decoder``   -- LSTMCell decoder with gated attention, teacher-forced over a caption batch
* ``Captioner`` -- ``encoder`` + ``decoder``; ``forward(images, captions, lengths)``
* ``captioning_loss`` -- cross entropy over the real targets + doubly stochastic attention loss

The ``state_dict`` names and layouts are exactly those of ``DESIGN.md`` ("The reference
captioning model"), so a Glimpse ``weights.safetensors`` loads with
``load_state_dict(strict=True)`` and the other way round::

    encoder.conv{1,2,3,4}.weight                         (no conv biases)
    encoder.bn{1,2,3,4}.{weight,bias,running_mean,running_var,num_batches_tracked}
    decoder.embedding.weight                             [V, E]
    decoder.attention.encoder_att.{weight,bias}          [A, D] [A]
    decoder.attention.decoder_att.{weight,bias}          [A, H] [A]
    decoder.attention.full_att.{weight,bias}             [1, A] [1]
    decoder.init_h.{weight,bias}                         [H, D] [H]
    decoder.init_c.{weight,bias}                         [H, D] [H]
    decoder.f_beta.{weight,bias}                         [D, H] [D]
    decoder.decode_step.{weight_ih,weight_hh,bias_ih,bias_hh}   [4H, E+D] [4H, H] [4H] [4H]
                                                         (nn.LSTMCell, gate rows i, f, g, o)
    decoder.fc.{weight,bias}                             [V, H] [V]

Shape letters: B batch, S image side (a multiple of 8), L = (S/8)^2 locations, D features,
E embedding, A attention, H hidden, V vocabulary, T padded caption length, n = max(lengths) - 1
decode steps.

Semantics
---------
* Encoder: for k in 1..3: conv_k 3x3 pad 1 (bias=False) -> bn_k -> ReLU -> MaxPool2d(2);
  then conv4 3x3 pad 1 (128 -> D, bias=False) -> bn4 -> ReLU. Channels 3->32->64->128->D.
  Features ``permute(0, 2, 3, 1).reshape(B, L, D)`` (row-major over space: i = y * S/8 + x).
* Initial state: h0 = init_h(mean_i a_i), c0 = init_c(mean_i a_i), no nonlinearity
  (``zero_init_state=True``: h0 = c0 = 0; init_h/init_c then exist but are unused).
* Teacher forcing: ``captions`` [B, T] int64, column 0 is <start>, 0-padded after <end>;
  ``lengths`` [B] int64 counts the real tokens including <start> and <end>. At step t
  (0-based, t < n) the input token is captions[:, t] and the target captions[:, t + 1]; the
  target is real iff t + 1 < lengths[b]. Every row is computed at every step (no sorting,
  no shrinking batch); the padded steps of a short row never influence its real steps
  (they come after them) and are masked out of the loss, so this equals the popular
  tutorial's shrinking-batch loop on the real steps.
* Step: att1 = encoder_att(a) [B, L, A] (once per batch), att2 = decoder_att(h) [B, A],
  e = full_att(act(att1 + att2[:, None])).squeeze(2) [B, L], alpha = softmax(e, dim=1),
  awe = sum_i alpha_i a_i [B, D], z = sigmoid(f_beta(h)) * awe,
  (h, c) = decode_step(cat([embedding(token), z], 1), (h, c)), logits = fc(dropout(h)).
  act is tanh (default) or relu.
* Loss: mean cross entropy over the real targets + alpha_c * mean over b and i of
  (1 - sum_{t real for b} alpha[b, t, i])^2 (mean over B * L).
* Default PyTorch initialisation everywhere (nn.Embedding N(0, 1), Linear/Conv kaiming-uniform
  with a = sqrt(5), BatchNorm weight 1 / bias 0, running_mean 0 / running_var 1; BatchNorm
  eps 1e-5, momentum 0.1). Parameters are created in the order of the list above.

Use
---
    import sys; sys.path.insert(0, "Scripts/reference")
    from captioner_model import Captioner, CaptionerConfig
    model = Captioner(CaptionerConfig(vocabulary_size=1000))
    logits, alphas = model(images, captions, lengths)
    loss, ce, att = model.loss(logits, alphas, captions, lengths)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, START, END, UNK = 0, 1, 2, 3
"""Special token ids of Glimpse's vocabulary convention (<pad> must be 0)."""

ACTIVATIONS = ("tanh", "relu")


@dataclass
class CaptionerConfig:
    """Sizes and options of the captioner; defaults are DESIGN.md's."""

    vocabulary_size: int                      # V
    feature_size: int = 128                   # D
    embedding_size: int = 128                 # E
    attention_size: int = 128                 # A
    hidden_size: int = 256                    # H
    dropout: float = 0.5                      # p of the dropout before fc
    attention_activation: str = "tanh"        # 'tanh' or 'relu'
    alpha_c: float = 1.0                      # weight of the doubly stochastic attention loss
    zero_init_state: bool = False             # h0 = c0 = 0 instead of init_h/init_c(mean a)
    encoder_channels: tuple = (32, 64, 128)   # output channels of conv1..conv3

    def __post_init__(self) -> None:
        if self.attention_activation not in ACTIVATIONS:
            raise ValueError(f"attention_activation must be one of {ACTIVATIONS}, "
                             f"not {self.attention_activation!r}")
        for name in ("vocabulary_size", "feature_size", "embedding_size",
                     "attention_size", "hidden_size"):
            if int(getattr(self, name)) <= 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)}")
        if not 0.0 <= float(self.dropout) < 1.0:
            raise ValueError(f"dropout must be in [0, 1), not {self.dropout}")
        self.encoder_channels = tuple(int(c) for c in self.encoder_channels)
        if len(self.encoder_channels) != 3:
            raise ValueError("encoder_channels must have three entries (conv1..conv3)")

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- encoder
class Encoder(nn.Module):
    """Image [B, 3, S, S] -> annotation vectors a [B, L, D], L = (S/8)^2.

    conv_k 3x3 pad 1 (no bias) -> bn_k -> ReLU -> MaxPool2d(2) for k = 1..3,
    then conv4 3x3 pad 1 (no bias) -> bn4 -> ReLU; channels 3 -> c1 -> c2 -> c3 -> D.
    """

    def __init__(self, feature_size: int = 128, channels: tuple = (32, 64, 128)) -> None:
        super().__init__()
        c1, c2, c3 = channels
        self.feature_size = feature_size
        self.conv1 = nn.Conv2d(3, c1, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c1)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c2)
        self.conv3 = nn.Conv2d(c2, c3, kernel_size=3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(c3)
        self.conv4 = nn.Conv2d(c3, feature_size, kernel_size=3, padding=1, bias=False)
        self.bn4 = nn.BatchNorm2d(feature_size)

    def feature_map(self, images: torch.Tensor) -> torch.Tensor:
        """[B, 3, S, S] -> [B, D, S/8, S/8]."""
        if images.dim() != 4 or images.shape[1] != 3:
            raise ValueError(f"images must be [B, 3, S, S], got {list(images.shape)}")
        if images.shape[2] % 8 or images.shape[3] % 8:
            raise ValueError(f"image sides must be multiples of 8, got {list(images.shape[2:])}")
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(images))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = F.max_pool2d(F.relu(self.bn3(self.conv3(x))), 2)
        return F.relu(self.bn4(self.conv4(x)))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        fmap = self.feature_map(images)
        B, D = fmap.shape[0], fmap.shape[1]
        return fmap.permute(0, 2, 3, 1).reshape(B, -1, D)


# ---------------------------------------------------------------- attention
class Attention(nn.Module):
    """Additive attention: e_i = full_att(act(encoder_att(a_i) + decoder_att(h))).

    ``forward(att1, features, h)`` takes the precomputed att1 = encoder_att(a) [B, L, A],
    the features a [B, L, D] and the previous hidden state h [B, H]; returns
    (awe [B, D], alpha [B, L]) with alpha = softmax(e, dim=1), awe = sum_i alpha_i a_i.
    """

    def __init__(self, feature_size: int, hidden_size: int, attention_size: int,
                 activation: str = "tanh") -> None:
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, not {activation!r}")
        self.activation = activation
        self.encoder_att = nn.Linear(feature_size, attention_size)
        self.decoder_att = nn.Linear(hidden_size, attention_size)
        self.full_att = nn.Linear(attention_size, 1)

    def act(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(x) if self.activation == "tanh" else F.relu(x)

    def project_features(self, features: torch.Tensor) -> torch.Tensor:
        """att1 = encoder_att(a): [B, L, D] -> [B, L, A] (once per batch)."""
        return self.encoder_att(features)

    def forward(self, att1: torch.Tensor, features: torch.Tensor,
                h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        att2 = self.decoder_att(h)                                        # [B, A]
        e = self.full_att(self.act(att1 + att2.unsqueeze(1))).squeeze(2)  # [B, L]
        alpha = F.softmax(e, dim=1)                                       # [B, L]
        awe = (features * alpha.unsqueeze(2)).sum(dim=1)                  # [B, D]
        return awe, alpha


# ---------------------------------------------------------------- decoder
class Decoder(nn.Module):
    """LSTMCell decoder with gated soft attention (Show, Attend and Tell)."""

    def __init__(self, vocabulary_size: int, feature_size: int = 128, embedding_size: int = 128,
                 attention_size: int = 128, hidden_size: int = 256, dropout: float = 0.5,
                 attention_activation: str = "tanh", zero_init_state: bool = False) -> None:
        super().__init__()
        self.vocabulary_size = vocabulary_size
        self.feature_size = feature_size
        self.hidden_size = hidden_size
        self.zero_init_state = zero_init_state
        # Creation order = state_dict order = DESIGN.md's list (and the order of the
        # random draws of the default initialisation).
        self.embedding = nn.Embedding(vocabulary_size, embedding_size)
        self.attention = Attention(feature_size, hidden_size, attention_size, attention_activation)
        self.init_h = nn.Linear(feature_size, hidden_size)
        self.init_c = nn.Linear(feature_size, hidden_size)
        self.f_beta = nn.Linear(hidden_size, feature_size)
        self.decode_step = nn.LSTMCell(embedding_size + feature_size, hidden_size, bias=True)
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(hidden_size, vocabulary_size)

    def init_state(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(h0, c0) [B, H] each: init_h/init_c of the mean annotation vector, or zeros."""
        if self.zero_init_state:
            z = features.new_zeros(features.shape[0], self.hidden_size)
            return z, z.clone()
        mean = features.mean(dim=1)
        return self.init_h(mean), self.init_c(mean)

    def step(self, features: torch.Tensor, att1: torch.Tensor, tokens: torch.Tensor,
             h: torch.Tensor, c: torch.Tensor):
        """One decode step: returns (logits [B, V], alpha [B, L], h, c)."""
        awe, alpha = self.attention(att1, features, h)
        gate = torch.sigmoid(self.f_beta(h))                              # [B, D]
        z = gate * awe
        x = torch.cat([self.embedding(tokens), z], dim=1)                 # [B, E + D]
        h, c = self.decode_step(x, (h, c))
        logits = self.fc(self.dropout(h))                                 # [B, V]
        return logits, alpha, h, c

    def forward(self, features: torch.Tensor, captions: torch.Tensor,
                lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Teacher-forced decoding. Returns logits [B, n, V] and alphas [B, n, L]."""
        n = decode_steps(captions, lengths)
        h, c = self.init_state(features)
        att1 = self.attention.project_features(features)
        logits, alphas = [], []
        for t in range(n):
            step_logits, alpha, h, c = self.step(features, att1, captions[:, t], h, c)
            logits.append(step_logits)
            alphas.append(alpha)
        return torch.stack(logits, dim=1), torch.stack(alphas, dim=1)


# ---------------------------------------------------------------- captioner
class Captioner(nn.Module):
    """``encoder`` + ``decoder``; ``forward(images, captions, lengths) -> (logits, alphas)``."""

    def __init__(self, config: CaptionerConfig) -> None:
        super().__init__()
        self.config = config
        self.encoder = Encoder(config.feature_size, config.encoder_channels)
        self.decoder = Decoder(config.vocabulary_size, config.feature_size, config.embedding_size,
                               config.attention_size, config.hidden_size, config.dropout,
                               config.attention_activation, config.zero_init_state)

    def forward(self, images: torch.Tensor, captions: torch.Tensor,
                lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.encoder(images)
        return self.decoder(features, captions, lengths)

    def loss(self, logits: torch.Tensor, alphas: torch.Tensor, captions: torch.Tensor,
             lengths: torch.Tensor):
        """(loss, ce_loss, attention_loss); see ``captioning_loss``."""
        return captioning_loss(logits, alphas, captions, lengths, self.config.alpha_c)


# ---------------------------------------------------------------- helpers and loss
def decode_steps(captions: torch.Tensor, lengths: torch.Tensor) -> int:
    """n = max(lengths) - 1, after checking captions [B, T] int64 and lengths [B] int64."""
    if captions.dim() != 2 or captions.dtype != torch.int64:
        raise ValueError(f"captions must be an int64 [B, T] tensor, got {captions.dtype} "
                         f"{list(captions.shape)}")
    if lengths.dim() != 1 or lengths.shape[0] != captions.shape[0]:
        raise ValueError(f"lengths must be [B] with B = {captions.shape[0]}, "
                         f"got {list(lengths.shape)}")
    if int(lengths.min()) < 2:
        raise ValueError("every caption needs at least <start> and <end> (length >= 2)")
    if int(lengths.max()) > captions.shape[1]:
        raise ValueError(f"max(lengths) = {int(lengths.max())} exceeds T = {captions.shape[1]}")
    return int(lengths.max()) - 1


def target_mask(lengths: torch.Tensor, n: int) -> torch.Tensor:
    """Bool [B, n]: step t of row b has a real target iff t + 1 < lengths[b]."""
    steps = torch.arange(n, device=lengths.device)
    return (steps.unsqueeze(0) + 1) < lengths.unsqueeze(1)


def captioning_loss(logits: torch.Tensor, alphas: torch.Tensor, captions: torch.Tensor,
                    lengths: torch.Tensor, alpha_c: float = 1.0):
    """Return (loss, ce_loss, attention_loss), all 0-d.

    ce_loss = mean over the real targets of cross_entropy(logits[b, t], captions[b, t + 1]);
    attention_loss = mean over b and i of (1 - sum_{t real for b} alphas[b, t, i])^2;
    loss = ce_loss + alpha_c * attention_loss.
    """
    B, n, V = logits.shape
    mask = target_mask(lengths, n)                                        # [B, n]
    targets = captions[:, 1:n + 1]
    targets = targets.masked_fill(~mask, -100)                            # ignored
    ce = F.cross_entropy(logits.reshape(B * n, V), targets.reshape(B * n), ignore_index=-100)
    summed = (alphas * mask.unsqueeze(2).to(alphas.dtype)).sum(dim=1)     # [B, L]
    att = ((1.0 - summed) ** 2).mean()
    return ce + alpha_c * att, ce, att
