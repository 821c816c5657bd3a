"""Analogy scores over a whole vocabulary: 3CosAdd and 3CosMul (Levy & Goldberg 2014).

For ``b - a + c`` (a : b = c : ?) on unit vectors, every word w gets

- **3CosAdd**: cos(w, b - a + c), i.e. ranking by cos(w, b) - cos(w, a) + cos(w, c)
  up to the norm of the query (gensim's ``most_similar``);
- **3CosMul**: cos'(w, b) * cos'(w, c) / (cos'(w, a) + eps) with cos' = (cos + 1) / 2,
  so that one large similarity (often w ≈ c by spelling) cannot make up for the
  others (gensim's ``most_similar_cosmul``; the paper's eps is 0.001).

Both take any number of added and subtracted words. The input words are the
caller's to leave out.
"""

from __future__ import annotations

import numpy as np

METHODS = ("3cosmul", "3cosadd")
METHOD_NAMES = {"3cosmul": "3CosMul", "3cosadd": "3CosAdd"}  # as the literature, the glossary and the help write them
DEFAULT_METHOD = "3cosadd"  # chosen on a development list of analogies (docs/benchmarks.md)
EPSILON = 1e-3  # Levy & Goldberg (2014); gensim's most_similar_cosmul uses 1e-6


def cos_add(vectors: np.ndarray, positive: np.ndarray, negative: np.ndarray) -> np.ndarray:
    """3CosAdd scores of every row of ``vectors`` (V, D) for queries of unit vectors (Q, P, D) and (Q, N, D).

    >>> v = np.eye(3)
    >>> cos_add(v, v[None, [1, 2]], v[None, [0]]).round(3).tolist()
    [[-0.577, 0.577, 0.577]]
    """
    query = positive.sum(1) - negative.sum(1)  # (Q, D)
    query = query / np.maximum(np.linalg.norm(query, axis=1, keepdims=True), 1e-12)
    return query @ vectors.T  # (Q, V)


def cos_mul(vectors: np.ndarray, positive: np.ndarray, negative: np.ndarray, eps: float = EPSILON) -> np.ndarray:
    """3CosMul scores: the product of cos' to the added words over (the product of cos' to the subtracted ones + eps).

    >>> v = np.eye(3)
    >>> cos_mul(v, v[None, [1, 2]], v[None, [0]]).round(3).tolist()   # w = v1: (1 * 0.5) / (0.5 + 0.001)
    [[0.25, 0.998, 0.998]]
    """
    score = np.ones((positive.shape[0], vectors.shape[0]), dtype=np.float64)  # (Q, V)
    for i in range(positive.shape[1]):
        score *= (positive[:, i] @ vectors.T + 1) / 2
    below = np.ones_like(score)
    for i in range(negative.shape[1]):
        below *= (negative[:, i] @ vectors.T + 1) / 2
    return score / (below + eps)


def scores(method: str, vectors: np.ndarray, positive: np.ndarray, negative: np.ndarray,
           eps: float = EPSILON) -> np.ndarray:
    """``cos_add`` or ``cos_mul`` by name (one of :data:`METHODS`): (Q, V) scores, higher is better."""
    if method == "3cosadd":
        return cos_add(vectors, positive, negative)
    if method == "3cosmul":
        return cos_mul(vectors, positive, negative, eps)
    raise ValueError(f"unknown analogy method {method!r}; use one of {METHODS}")
