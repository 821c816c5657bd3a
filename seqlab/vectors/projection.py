"""2-D projections of vectors for plotting: PCA (always), UMAP (when umap-learn is installed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlab.errors import InputError

METHODS = ("pca", "umap")


@dataclass
class Projection:
    labels: list[str]
    points: np.ndarray  # (N, 2)
    method: str
    explained: list[float] | None  # PCA: share of variance on each axis
    source: str

    def to_dict(self) -> dict:
        return {"method": self.method, "source": self.source, "explained_variance": self.explained,
                "points": [{"label": lab, "x": float(x), "y": float(y)} for lab, (x, y) in zip(self.labels, self.points)]}


def pca_2d(vectors: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """Center, then project onto the two leading right-singular vectors.

    Signs are fixed so that the largest-magnitude loading of each axis is positive (stable pictures).
    """
    x = vectors - vectors.mean(axis=0)
    _, s, vt = np.linalg.svd(x, full_matrices=False)
    axes = vt[:2]
    signs = np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])
    axes = axes * signs[:, None]
    var = s**2
    return x @ axes.T, [float(v) for v in (var[:2] / var.sum() if var.sum() else var[:2])]


def project(labels: list[str], vectors: np.ndarray, method: str = "pca", source: str = "", seed: int = 0) -> Projection:
    if method not in METHODS:
        raise InputError(f"unknown projection {method!r}", f"Use one of: {', '.join(METHODS)}.")
    if len(labels) < 3:
        raise InputError("a projection needs at least 3 items")
    if method == "pca":
        points, explained = pca_2d(vectors)
        return Projection(labels, points, "pca", explained, source)
    try:
        import umap
    except ImportError:
        raise InputError("UMAP needs the umap-learn package", "pip install 'seqlab[umap]', or use --method pca.") from None
    reducer = umap.UMAP(n_components=2, random_state=seed, n_neighbors=min(15, len(labels) - 1), metric="cosine")
    return Projection(labels, reducer.fit_transform(vectors), "umap", None, source)
