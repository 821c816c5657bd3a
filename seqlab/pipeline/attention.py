"""Attention weights of a transformer encoder for one text: every layer and head, and their mean per layer.

The weights are what the model computed (``output_attentions=True``), not a
re-derivation: ``weights[l, h, i, j]`` is how much token ``i`` attends to token
``j`` in head ``h`` of layer ``l``; every row sums to 1. A view shows one head
or the mean over a layer's heads, so :meth:`AttentionRecord.to_dict` hands out
one ``(T, T)`` matrix at a time, rounded to the precision it is shown at.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlab.display import Displayable
from seqlab.errors import InputError, check_number
from seqlab.i18n import _
from seqlab.tokens.record import TokenRecord, truncate

MAX_TOKENS = 128  # an attention matrix of 128 x 128 per head is the most a page can show


@dataclass(repr=False)  # Displayable's short repr
class AttentionRecord(Displayable):
    """Every attention matrix of one text.

    >>> r = attention("안녕하세요")                                 # doctest: +SKIP
    >>> r.weights.shape, r.to_dict(layer=0, head=None)["shape"]    # doctest: +SKIP
    ((12, 12, 3, 3), [12, 12, 3, 3])
    """

    model: str
    tokens: TokenRecord  # cut to the window the weights were computed on (tokens.dropped says how much)
    weights: np.ndarray  # (computed, heads, T, T) float32, rows sum to 1: the first `computed` layers
    model_layers: int = 0  # the model's layers (0: as many as computed)

    @property
    def layers(self) -> int:
        """The model's layers (``weights`` may hold only the first ones: :attr:`computed`)."""
        return max(self.model_layers, self.weights.shape[0])

    @property
    def computed(self) -> int:
        """How many layers, from the first, the record holds."""
        return self.weights.shape[0]

    @property
    def heads(self) -> int:
        return self.weights.shape[1]

    def matrix(self, layer: int, head: int | None = None) -> np.ndarray:
        """(T, T) weights of one head, or the mean over the layer's heads when ``head`` is None (float64)."""
        check_layer_head(self.model, self.layers, self.heads, layer, head)
        if layer >= self.computed:
            raise ValueError(f"layer {layer} was not computed: this record holds layers 0 to {self.computed - 1}")
        chosen = self.weights[layer].astype(np.float64)  # (heads, T, T)
        return chosen.mean(axis=0) if head is None else chosen[head]

    def to_dict(self, layer: int = 0, head: int | None = None, decimals: int = 3) -> dict:
        """JSON-ready: one matrix (a head, or the mean over heads), rounded in float64 to ``decimals``."""
        return {"model": self.model, "tokens": self.tokens.tokens, "shape": [self.layers, *self.weights.shape[1:]],
                "layers": self.layers, "heads": self.heads, "layer": layer, "head": head,
                "summary": "head" if head is not None else "mean_over_heads",
                "weights": np.round(self.matrix(layer, head), decimals).tolist(), "decimals": decimals,
                "dropped": self.tokens.dropped, "max_length": self.tokens.max_length}


def check_layer_head(model: str, layers: int, heads: int, layer: int, head: int | None) -> None:
    """Refuse a layer or head ``model`` does not have (before any forward pass is spent on it)."""
    check_number("layer", layer, whole=True)  # 1.0 reached numpy's own IndexError; the range is said below
    check_number("head", head, whole=True)
    if not 0 <= layer < layers:
        raise InputError(_("layer {layer} does not exist: {model} has layers 0 to {last}").format(
            layer=layer, model=model, last=layers - 1), _("Choose a layer in that range."))
    if head is not None and not 0 <= head < heads:
        raise InputError(_("head {head} does not exist: {model} has heads 0 to {last}").format(
            head=head, model=model, last=heads - 1), _("Choose a head in that range, or head=None for the mean over "
                                                       "heads."),
            page_hint=_("Choose a head in that range, or the mean."))


def attention(text: str, model: str | None = None, max_tokens: int = MAX_TOKENS,
              layers: int | None = None) -> AttentionRecord:
    """The attention weights of every layer and head of ``model`` for ``text``, cut to ``max_tokens`` tokens.

    Args:
        text: the text (tokenized by the model's own tokenizer).
        model: a transformer model with vectors (default e5-small).
        max_tokens: longer texts are cut to this many tokens, specials kept (``tokens.dropped`` counts the rest).
        layers: compute only the first ``layers`` layers (a view of layer 0 needs one of e5-small's 12); None for
            all. The numbers are the same as the full forward's.
    """
    from seqlab.vectors.encoder import load_encoder

    check_number("layers", layers, 1, whole=True)
    enc = load_encoder(model)
    record = truncate(enc.tokenizer.encode(text), max_tokens)
    return AttentionRecord(enc.name, record, enc.attentions(record, layers), enc.num_layers)
