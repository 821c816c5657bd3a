"""Sentence vectors from token vectors: masked CLS / mean / max pooling and L2 normalization.

Padding positions never count: the mask decides which rows take part.
"""

from __future__ import annotations

import numpy as np

from seqlab.errors import InputError, check_choice
from seqlab.i18n import _

METHODS = ("cls", "mean", "max")


def pool(hidden: np.ndarray, mask: np.ndarray, method: str = "mean") -> np.ndarray:
    """Pool ``hidden`` (B, T, H) over the tokens where ``mask`` (B, T) is 1; ``cls`` takes each row's first such token.

    >>> h = np.array([[[1.0, 2.0], [3.0, 4.0], [9.0, 9.0]]]); m = np.array([[1, 1, 0]])
    >>> pool(h, m, "mean").tolist(), pool(h, m, "max").tolist(), pool(h, m, "cls").tolist()
    ([[2.0, 3.0]], [[3.0, 4.0]], [[1.0, 2.0]])
    """
    method = check_choice("method", method, METHODS)
    if hidden.ndim != 3 or mask.shape != hidden.shape[:2]:
        raise InputError(_("pooling needs hidden (B, T, H) and mask (B, T), got {shape} and {shape2}")
                         .format(shape=hidden.shape, shape2=mask.shape))
    present = np.asarray(mask) > 0
    empty = np.flatnonzero(~present.any(axis=1))
    if empty.size:  # mean would give zeros, max -inf: a vector of nothing
        raise InputError(_("row {row} of the mask has no token (all 0): there is nothing to pool").format(
            row=int(empty[0])), _("Leave texts without tokens out, or give a mask with a 1 for each real token."))
    m = present.astype(hidden.dtype)[..., None]  # (B, T, 1)
    if method == "cls":  # the first real token: position 0, or the first after left padding
        return hidden[np.arange(len(hidden)), present.argmax(axis=1), :].copy()
    if method == "mean":
        return (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1)
    masked = np.where(m > 0, hidden, -np.inf)
    return masked.max(axis=1)


def l2_normalize(vectors: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, eps)


def sentence_vector(hidden: np.ndarray, method: str | None, normalize: bool) -> np.ndarray | None:
    """One text's token vectors (T, H), all real tokens, pooled to (H,) and L2-normalized when asked; None when no
    ``method`` is given (the record then keeps the token vectors only)."""
    if not method:
        return None
    vector = pool(hidden[None], np.ones((1, len(hidden)), dtype=np.int64), method)[0]
    return l2_normalize(vector[None])[0] if normalize else vector
