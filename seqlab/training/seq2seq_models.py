"""Two encoder–decoders for character Seq2Seq, with one calling contract.

Both read the source with a bidirectional LSTM/GRU encoder, start the decoder from
``tanh(W [h_fwd; h_bwd])``, and emit one target character per step from a linear
layer over the whole character vocabulary. They differ in how the decoder looks at
the source (the attention):

- :class:`MonotonicSeq2Seq`, hard monotonic attention (Aharoni & Goldberg 2017):
  at step j the decoder reads the encoder state at p_j, the source position of the
  next character to copy; p_j moves one place after every non-space output. The
  attention is one-hot and moves left to right, as it must for spacing. Under
  teacher forcing every p_j is known in advance, so training runs the decoder as one
  recurrent call over the whole target instead of a Python loop.
- :class:`AdditiveSeq2Seq`, Bahdanau attention: a softmax over every source position,
  ``α = softmax(v·tanh(W_q s + W_k h))``, recomputed at every step.

Contract: ``encode(src) → memory``; ``step(prev, pos, state, memory) → (logits, state,
attention)`` for one decoding step; ``forward(src, prev, pos) → features (B, T, F)`` under
teacher forcing, whose logits are ``out(features)`` (a loss that needs only a few of the
vocabulary's logits computes just those).
"""

from __future__ import annotations

import torch
from torch import nn

from seqlab.scratch.torch_layout import torch_class

PAD = 0  # the shared Vocabulary's <pad> id


class _Encoder(nn.Module):
    def __init__(self, vocab: int, embed: int, hidden: int, decoder_hidden: int, cell: str):
        super().__init__()
        rnn = torch_class(cell)
        self.cell = cell
        self.embedding = nn.Embedding(vocab, embed, padding_idx=PAD)
        self.rnn = rnn(embed, hidden, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hidden, decoder_hidden)

    def forward(self, src):
        """src (B, S), all of one length (the batches are bucketed by source length): states and s_0."""
        enc, state = self.rnn(self.embedding(src))  # (B, S, 2H)
        h = state[0] if isinstance(state, tuple) else state  # (2, B, H): last forward and backward states
        s0 = torch.tanh(self.bridge(torch.cat([h[0], h[1]], dim=1)))  # (B, D)
        return enc, s0


class MonotonicSeq2Seq(nn.Module):
    """Decoder input at step j: [embedding of y_(j-1); encoder state at p_j]."""

    attention = "monotonic"

    def __init__(self, vocab: int, embed: int = 64, hidden: int = 128, cell: str = "lstm"):
        super().__init__()
        self.cell = cell
        self.encoder = _Encoder(vocab, embed, hidden, hidden, cell)  # its character table serves the target too
        rnn = torch_class(cell)
        self.decoder = rnn(embed + 2 * hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def encode(self, src):
        enc, s0 = self.encoder(src)
        state = (s0[None], torch.zeros_like(s0[None])) if self.cell == "lstm" else s0[None]
        return {"enc": enc, "state": state}

    def _read(self, prev, pos, state, enc):
        rows = torch.arange(enc.shape[0], device=enc.device)[:, None]
        aligned = enc[rows, pos]  # (B, T, 2H): the hard attention picks one source state per step
        out, state = self.decoder(torch.cat([self.encoder.embedding(prev), aligned], dim=-1), state)
        return out, state  # (B, T, D)

    def forward(self, src, prev, pos):
        memory = self.encode(src)
        features, _unused = self._read(prev, pos, memory["state"], memory["enc"])
        return features

    def step(self, prev, pos, state, memory):
        features, state = self._read(prev[:, None], pos[:, None], state, memory["enc"])
        attention = nn.functional.one_hot(pos, memory["enc"].shape[1]).float()  # (B, S)
        return self.out(features[:, 0]), state, attention


class AdditiveSeq2Seq(nn.Module):
    """Bahdanau attention over every source position, a decoder cell stepped by hand."""

    attention = "additive"

    def __init__(self, vocab: int, embed: int = 64, hidden: int = 128, cell: str = "lstm"):
        super().__init__()
        self.cell = cell
        H = hidden
        self.encoder = _Encoder(vocab, embed, H, H, cell)  # its character table serves the target too
        self.W_q = nn.Linear(H, H, bias=False)  # additive attention: v·tanh(W_q s + W_k h)
        self.W_k = nn.Linear(2 * H, H, bias=False)
        self.v = nn.Linear(H, 1, bias=False)
        self.decoder = (nn.GRUCell if cell == "gru" else nn.LSTMCell)(embed + 2 * H, H)
        self.out = nn.Linear(H + 2 * H, vocab)

    def encode(self, src):
        enc, s0 = self.encoder(src)
        state = (s0, torch.zeros_like(s0)) if self.cell == "lstm" else s0
        return {"enc": enc, "keys": self.W_k(enc), "state": state}

    def _features(self, prev, state, memory):
        s = state[0] if isinstance(state, tuple) else state
        scores = self.v(torch.tanh(self.W_q(s)[:, None, :] + memory["keys"])).squeeze(-1)  # (B, S)
        alpha = torch.softmax(scores, dim=1)
        context = torch.bmm(alpha[:, None, :], memory["enc"]).squeeze(1)  # (B, 2H)
        state = self.decoder(torch.cat([self.encoder.embedding(prev), context], dim=1), state)
        s = state[0] if isinstance(state, tuple) else state
        return torch.cat([s, context], dim=1), state, alpha  # (B, H + 2H)

    def step(self, prev, pos, state, memory):
        features, state, alpha = self._features(prev, state, memory)
        return self.out(features), state, alpha

    def forward(self, src, prev, pos):
        memory = self.encode(src)
        state, features = memory["state"], []
        for t in range(prev.shape[1]):  # teacher forcing, one step at a time
            step_features, state, _unused = self._features(prev[:, t], state, memory)
            features.append(step_features)
        return torch.stack(features, dim=1)  # (B, T, H + 2H)


MODELS = {"monotonic": MonotonicSeq2Seq, "additive": AdditiveSeq2Seq}
