"""What the embedding stage returns for one text."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from seqlab.display import Displayable
from seqlab.tokens.record import TokenRecord
from seqlab.vectors.limits import PREVIEW


@dataclass(repr=False)  # Displayable's short repr
class EmbeddingRecord(Displayable):
    """``last_hidden_state`` of one text, with its tokens and optional pooled vector.

    ``hidden`` is ``(T, H)``: the batch dimension of ``[batch size, sequence
    length, hidden size]`` is 1 for one text and is kept in :attr:`shape`.
    """

    model: str
    tokens: TokenRecord
    hidden: np.ndarray  # (T, H) float32: last_hidden_state[0]
    layers: np.ndarray | None = None  # (L + 1, T, H): embeddings output, then every layer
    pooled: np.ndarray | None = None  # (H,)
    pooling: str | None = None
    normalized: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def shape(self) -> list[int]:
        """``last_hidden_state.shape`` as the model returns it: [batch 1, tokens T, hidden H]."""
        return [1, *self.hidden.shape]

    @property
    def norms(self) -> np.ndarray:
        """‖v‖ of each token's vector, (T,)."""
        return np.linalg.norm(self.hidden, axis=1)

    @property
    def layer_norms(self) -> np.ndarray | None:
        """Mean token norm of each layer's output, (L + 1,), when every layer was kept."""
        return None if self.layers is None else np.linalg.norm(self.layers, axis=2).mean(axis=1)

    def to_dict(self, full: bool = False, preview: int = PREVIEW) -> dict:
        """JSON-ready: ``shape``, tokens, per-token previews and norms (rounded to 6 digits: they are for reading);
        ``pooled``, the sentence vector, whole and unrounded (it is the result a script uses); ``full`` adds every
        number of last_hidden_state."""
        out = {
            "model": self.model, "text": self.tokens.text, "tokens": self.tokens.tokens,
            "input_ids": self.tokens.input_ids, "shape": self.shape,
            "preview": [[round(float(v), 6) for v in row[:preview]] for row in self.hidden],
            "norms": [round(float(n), 6) for n in self.norms],
            "dropped": self.tokens.dropped, "max_length": self.tokens.max_length,
        }
        if self.pooled is not None:
            out.update(pooled=[float(v) for v in self.pooled], pooling=self.pooling, normalized=self.normalized)
        if full:
            out["last_hidden_state"] = [[float(v) for v in row] for row in self.hidden]
        if self.layers is not None:
            out["layers"] = {"shape": list(self.layers.shape),
                             "norms": [[round(float(n),
                                              6) for n in np.linalg.norm(layer, axis=1)] for layer in self.layers]}
            if full:
                out["layers"]["hidden_states"] = self.layers.tolist()
        out.update(self.extra)
        return out
