"""PyTorch eager baseline for glimpse-bench's recurrent benchmarks (same configurations).

Character model: Embedding(65, 64) -> 2-layer LSTM or GRU of 256 units -> Linear(256, 65),
sequence 64, batch 32, Adam (lr 2e-3), gradient-norm clip 5: training tokens/s.
Sampling at batch 1, one character per step: characters/s.
Prints one JSON object per line, as `glimpse-bench --json` does, with the same benchmark names.
Run through Scripts/bench/compare.sh, which installs torch only for that run.
"""

import torch
import torch.nn as nn

from bench_common import emit, seconds_per_call

torch.set_num_threads(2)
torch.manual_seed(0)

VOCAB, EMBED, HIDDEN, LAYERS, STEPS, BATCH = 65, 64, 256, 2, 64, 32


class CharacterModel(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, EMBED)
        self.rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(EMBED, HIDDEN, LAYERS)
        self.fc = nn.Linear(HIDDEN, VOCAB)

    def forward(self, tokens, state=None):
        out, state = self.rnn(self.embedding(tokens), state)
        return self.fc(out), state






for cell in ["lstm", "gru"]:
    model = CharacterModel(cell)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    tokens = torch.randint(0, VOCAB, (STEPS, BATCH))
    targets = torch.randint(0, VOCAB, (STEPS * BATCH,))

    def train_step():
        optimizer.zero_grad()
        logits, _ = model(tokens)
        loss = nn.functional.cross_entropy(logits.reshape(-1, VOCAB), targets)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()

    seconds = seconds_per_call(train_step, 3.0)
    emit(f"char_{cell}_train_h256_l2_t64_b32", "tokens_per_second", STEPS * BATCH / seconds, "tokens/s")

    characters = 200

    def sample():
        generator = torch.Generator().manual_seed(1)
        token = torch.zeros((1, 1), dtype=torch.long)
        state = None
        with torch.no_grad():
            for _ in range(characters):
                logits, state = model(token, state)
                probabilities = torch.softmax(logits[0, 0], dim=0)
                token = torch.multinomial(probabilities, 1, generator=generator).reshape(1, 1)

    seconds = seconds_per_call(sample, 1.0)
    emit(f"char_{cell}_sample_h256_l2_b1", "characters_per_second", characters / seconds, "chars/s")
