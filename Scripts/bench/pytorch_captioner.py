"""PyTorch eager baseline for glimpse-bench's captioner benchmarks (same model, same shapes).

The model is Scripts/reference/captioner_model.py (DESIGN.md's reference captioner: D = E = A = 128,
H = 256), vocabulary 1000, dropout 0.5, Adam with separate encoder and decoder learning rates,
gradient-norm clip 5:
  - training images/s at batch 32, one caption of 17 tokens per image (16 decoding steps), image
    side 64 and 128, model in train mode;
  - greedy captioning of one image, 20 decoding steps (no early stop), encoder included;
  - beam search k = 3 of one image, 20 steps (no early stop), encoder included;
  - peak resident memory of the process (run once per group by compare.sh).
torch.set_num_threads(2). Prints JSON lines with glimpse-bench's names.
"""
import os
import resource
import sys

import torch

from bench_common import emit, seconds_per_call

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from captioner_model import Captioner, CaptionerConfig  # noqa: E402

torch.set_num_threads(2)
torch.manual_seed(0)
VOCAB, BATCH, STEPS = 1000, 32, 16






model = Captioner(CaptionerConfig(vocabulary_size=VOCAB, dropout=0.5))
encoder_opt = torch.optim.Adam(model.encoder.parameters(), lr=1e-3)
decoder_opt = torch.optim.Adam(model.decoder.parameters(), lr=1e-3)

group = sys.argv[1] if len(sys.argv) > 1 else "all"
if group in ("all", "train"):
    for side in (64, 128):
        images = torch.randn(BATCH, 3, side, side)
        captions = torch.randint(4, VOCAB, (BATCH, STEPS + 1))
        captions[:, 0] = 1
        captions[:, -1] = 2
        lengths = torch.full((BATCH,), STEPS + 1, dtype=torch.long)
        model.train()

        def train_step():
            encoder_opt.zero_grad()
            decoder_opt.zero_grad()
            logits, alphas = model(images, captions, lengths)
            loss = model.loss(logits, alphas, captions, lengths)[0]
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            encoder_opt.step()
            decoder_opt.step()

        seconds = seconds_per_call(train_step, 4.0)
        emit(f"captioner_train_b32_t16_v1000_{side}px", "images_per_second", BATCH / seconds, "images/s")
    emit("captioner_train_process", "peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MB")

if group in ("all", "decode"):
    model.eval()
    image = torch.randn(1, 3, 128, 128)

    def greedy():
        with torch.no_grad():
            features = model.encoder(image)
            h, c = model.decoder.init_state(features)
            att1 = model.decoder.attention.project_features(features)
            token = torch.tensor([1])
            for _ in range(20):
                logits, alpha, h, c = model.decoder.step(features, att1, token, h, c)
                token = logits.argmax(dim=1)

    def beam(k=3):
        with torch.no_grad():
            features = model.encoder(image)
            h, c = model.decoder.init_state(features)
            att1 = model.decoder.attention.project_features(features)
            tokens = torch.tensor([1])
            scores = torch.zeros(1)
            feats, a1 = features, att1
            for _ in range(20):
                logits, alpha, h, c = model.decoder.step(feats, a1, tokens, h, c)
                logp = torch.log_softmax(logits, dim=1) + scores.unsqueeze(1)
                top, index = logp.view(-1).topk(k)
                rows, words = index // VOCAB, index % VOCAB
                h, c, scores, tokens = h[rows], c[rows], top, words
                feats, a1 = features.expand(k, -1, -1), att1.expand(k, -1, -1)

    emit("captioner_greedy_20_steps_128px", "milliseconds", seconds_per_call(greedy, 2.0) * 1e3, "ms")
    emit("captioner_beam3_20_steps_128px", "milliseconds", seconds_per_call(beam, 2.0) * 1e3, "ms")
