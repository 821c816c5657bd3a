"""All-but-the-top (Mu & Viswanath 2018): subtract the common mean, then the top D principal directions.

Word vectors of a transformer share a large common component (every word's
vector points roughly the same way, and a few directions carry frequency and
spelling rather than meaning). Removing the mean and the D dominant directions
makes cosines reflect the rest:

    x' = (x - μ) - Σ_{i<D} (u_iᵀ (x - μ)) u_i

where μ is the vocabulary mean and u_i the top principal directions of the
centred vocabulary. The same μ and u_i must be applied to any word embedded
later, so they are kept with the vectors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlab.vectors.pooling import l2_normalize


@dataclass(frozen=True)
class AllButTheTop:
    mean: np.ndarray  # (H,) the vocabulary mean μ
    directions: np.ndarray  # (D, H) the top principal directions u_i, orthonormal rows

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        """``x' = (x - μ) - U^T U (x - μ)`` for each row, then L2-normalized: (N, H) -> (N, H)."""
        centred = vectors - self.mean  # (N, H)
        return l2_normalize(centred - (centred @ self.directions.T) @ self.directions).astype(np.float32)


def fit(vectors: np.ndarray, d: int, sample: int = 20_000, seed: int = 0) -> AllButTheTop:
    """μ and the top ``d`` principal directions of ``vectors`` (N, H), from at most ``sample`` rows.

    >>> x = np.array([[3.0, 1.0], [3.0, -1.0], [3.0, 2.0], [3.0, -2.0]])
    >>> post = fit(x, 1)
    >>> post.mean.tolist(), np.abs(post.directions).round(3).tolist()
    ([3.0, 0.0], [[0.0, 1.0]])
    """
    vectors = np.asarray(vectors, dtype=np.float64)
    mean = vectors.mean(axis=0)
    rows = vectors
    if len(vectors) > sample:
        rows = vectors[np.random.default_rng(seed).choice(len(vectors), sample, replace=False)]
    if d <= 0:
        return AllButTheTop(mean.astype(np.float32), np.zeros((0, vectors.shape[1]), dtype=np.float32))
    _u, _s, vt = np.linalg.svd(rows - mean, full_matrices=False)  # rows of vt: principal directions
    return AllButTheTop(mean.astype(np.float32), vt[:d].astype(np.float32))
