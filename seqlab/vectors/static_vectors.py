"""One static vector per word from a contextual encoder: the mean of its tokens' states at chosen layers.

A transformer has no table of word vectors; seqlab reads one out of it. Each word
is run alone (after an optional prefix such as e5's ``"query: "``), and its
vector is the mean, over all its tokens or over the word's own pieces only (not
``<s>``, ``</s>`` or the prefix), of the hidden states of the chosen layers, each
layer's mean L2-normalized before the layers are averaged. Layers past the last one
asked for are never run. The default (layers 6-12, all tokens) was chosen on a
development list of analogies (docs/benchmarks.md).

>>> recipe = Recipe(prefix="", layers=(8,))
>>> # vectors = embed_words(load_encoder("e5-small"), ["왕", "여왕"], recipe)   -> (2, 384), unit rows
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from seqlab.errors import InputError
from seqlab.i18n import _
from seqlab.pretrained.registry import embedded_names
from seqlab.vectors.pooling import l2_normalize


@dataclass(frozen=True)
class Recipe:
    """How the default word vectors are read out of the encoder (stored with them; a change rebuilds them)."""

    prefix: str = ""  # text before each word ("query: " for e5's own sentence vectors); "" = the word alone
    layers: tuple[int, ...] = (8,)  # hidden states averaged: 0 = the embeddings' output, i = after layer i
    pieces_only: bool = True  # mean over the word's own pieces only (not <s>, </s> or the prefix)
    abtt: int = 0  # all-but-the-top: subtract the mean, then remove this many top directions (-1: neither)

    def for_depth(self, depth: int) -> Recipe:
        """The recipe for a model of ``depth`` layers: layers past its last become its upper half
        (6-12 of 12 layers is 3-6 of MiniLM's 6).

        >>> Recipe(layers=(6, 7, 8, 9, 10, 11, 12)).for_depth(6).layers
        (3, 4, 5, 6)
        """
        if max(self.layers) <= depth:
            return self
        return replace(self, layers=tuple(range(depth // 2, depth + 1)))

    def describe(self) -> str:
        """The recipe in words, in the interface language (for people; records keep ``repr``)."""
        many = len(self.layers) > 1 and list(self.layers) == list(range(self.layers[0], self.layers[-1] + 1))
        where = (_("layers {a}-{b}").format(a=self.layers[0], b=self.layers[-1]) if many else
                 _("layer {k}").format(k=", ".join(map(str, self.layers))))
        what = _("its pieces") if self.pieces_only else _("all tokens")
        prefix = _("{prefix!r} + word").format(prefix=self.prefix) if self.prefix else _("the word alone")
        post = ("" if self.abtt < 0 else _(", mean removed") if self.abtt == 0 else
                _(", mean and top {k} directions removed").format(k=self.abtt))
        if len(self.layers) > 1:  # as embed_words computes it: a student rebuilding a vector needs every step
            return _("{prefix}, mean of {what} at each of {where}, each mean at unit length, averaged and put at "
                     "unit length{post}").format(prefix=prefix, what=what, where=where, post=post)
        return _("{prefix}, mean of {what} at {where}{post}").format(prefix=prefix, what=what, where=where, post=post)


def embed_words(encoder, words: Sequence[str], recipe: Recipe, batch_size: int = 512, precision: str = "fp32",
                progress: Callable[[int], None] | None = None) -> np.ndarray:
    """(N, H) float32 unit vectors for ``words`` in the caller's order (before any post-processing)."""
    import torch

    tok = encoder.tokenizer
    out = np.zeros((len(words), encoder.hidden_size), dtype=np.float32)
    if not len(words):
        return out
    probe = tok.encode("a").input_ids
    bos, eos = probe[0], probe[-1]
    prefix_ids = tok.encode(recipe.prefix.strip()).input_ids[1:-1] if recipe.prefix.strip() else []
    pieces = [tok.encode(w).input_ids[1:-1] for w in words]  # the word's own pieces, as after a space
    ids = [[bos, *prefix_ids, *p, eos] for p in pieces]
    lengths = np.array([len(x) for x in ids])
    order = np.argsort(lengths, kind="stable")  # similar lengths together: little attention padding
    packed = encoder._packed_encoder()
    if packed is None:
        raise InputError(_("{name}: word vectors are read from BERT-family encoders only").format(name=encoder.name),
                         _("Use {names}.").format(names=embedded_names(True)))
    layers = list(recipe.layers)
    autocast = torch.autocast(encoder.device, dtype=torch.bfloat16, enabled=precision == "bf16")
    with torch.inference_mode(), autocast:
        for start in range(0, len(words), batch_size):
            idx = order[start : start + batch_size]
            lens = torch.as_tensor(lengths[idx], dtype=torch.long)
            flat = torch.as_tensor(np.concatenate([ids[i] for i in idx]), dtype=torch.long)
            hidden = packed(flat.to(encoder.device), lens.to(encoder.device), layers=layers).float()  # (L, N, H)
            if recipe.pieces_only:
                keep = [np.arange(1 + len(prefix_ids), 1 + len(prefix_ids) + len(pieces[i])) for i in idx]
                counts = torch.as_tensor([len(k) for k in keep], dtype=torch.long)
                offsets = np.cumsum([0, *lengths[idx][:-1]])
                rows = torch.as_tensor(np.concatenate([k + o for k, o in zip(keep, offsets)]), dtype=torch.long)
                hidden, lens = hidden[:, rows.to(encoder.device)], counts
            segment = torch.repeat_interleave(torch.arange(len(idx), device=hidden.device), lens.to(hidden.device))
            sums = hidden.new_zeros(len(layers), len(idx), hidden.shape[-1]).index_add_(1, segment, hidden)
            means = sums / lens.to(hidden.device)[None, :, None].to(hidden.dtype)  # (L, B, H)
            means = torch.nn.functional.normalize(means, dim=-1).mean(0)  # each layer unit, then averaged
            out[idx] = means.cpu().numpy()
            if progress is not None:
                progress(len(idx))
    return l2_normalize(out)
