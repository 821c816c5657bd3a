"""2-D projections of vectors for plotting: PCA (always), UMAP (when umap-learn is installed)."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from seqlab.errors import InputError
from seqlab.i18n import _, ngettext
from seqlab.progress import Progress
from seqlab.storage import atomic_write_bytes, exclusive, seqlab_home

METHODS = ("pca", "umap")


@dataclass
class Projection:
    labels: list[str]
    points: np.ndarray  # (N, 2)
    method: str
    explained: list[float] | None  # PCA: share of variance on each axis
    source: str
    oov: list[str] = field(default_factory=list)  # words outside the vocabulary, built from their pieces
    repeated: list[str] = field(default_factory=list)  # labels given more than once: each is drawn once

    def to_dict(self) -> dict:
        return {"method": self.method, "source": self.source, "explained_variance": self.explained, "oov": self.oov,
                "repeated": self.repeated,
                "points": [{"label": lab, "x": float(x), "y": float(y)} for lab,
                           (x, y) in zip(self.labels, self.points)]}


def principal_axes(vectors: np.ndarray, k: int | None = None, chunk: int = 50_000):
    """PCA: (mean (D,), the top ``k`` principal directions as rows (k, D), every variance, largest first).

    The covariance is summed in chunks of rows, so a 250,000-row embedding matrix needs no copy.
    Signs are fixed so that the largest-magnitude loading of each direction is positive (stable pictures).
    """
    x = np.asarray(vectors)
    mean = x.mean(axis=0, dtype=np.float64)
    cov = np.zeros((x.shape[1], x.shape[1]))
    for start in range(0, len(x), chunk):  # float64 one chunk at a time: a float32 table is not copied whole
        part = x[start : start + chunk].astype(np.float64) - mean
        cov += part.T @ part
    values, directions = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    values, axes = np.maximum(values[order], 0.0), directions[:, order].T[:k]
    signs = np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])
    return mean, axes * signs[:, None], values


def pca_2d(vectors: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """The points on the two leading principal directions, and the share of variance each explains."""
    mean, axes, var = principal_axes(vectors, 2)
    total = var.sum()
    return (vectors - mean) @ axes.T, [float(v) for v in (var[:2] / total if total else var[:2])]


def vocabulary_pca(model: str, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and principal directions of a model's input embedding matrix (its whole vocabulary); cached per model."""
    slug = re.sub(r"[^\w.-]+", "_", model)
    path = seqlab_home() / "projections" / f"{slug}-embedding-pca.npz"
    if not path.exists():
        with exclusive(path):  # another process computing it: wait, then read its file
            if not path.exists():
                mean, components, _unused = principal_axes(matrix)
                buffer = io.BytesIO()
                np.savez(buffer, mean=mean, components=components)
                atomic_write_bytes(path, buffer.getvalue())
                return mean, components
    with np.load(path) as data:
        return data["mean"], data["components"]


def check_count(n: int, given: int | None = None) -> None:
    """A 2-D projection needs three points or more (checked before any vectors are loaded or built).

    ``given``: how many items were given, where repeats were drawn once (``n`` distinct of ``given``)."""
    if n < 3:
        message = (ngettext("a projection needs at least 3 items; {n} was given",
                            "a projection needs at least 3 items; {n} were given", n).format(n=n)
                   if given is None or given == n else
                   ngettext("a projection needs at least 3 different items; of the {given:,} given, only {n} is "
                            "distinct", "a projection needs at least 3 different items; of the {given:,} given, only "
                            "{n} are distinct", n).format(n=n, given=given))
        raise InputError(message, _("Give three or more different words or sentences."),
                         cli_hint=_("Give three or more words (or sentences with --sentences), e.g. seqlab plot 왕 여왕 "
                                    "남자 여자 --out words.png, or a file with -f."))


def project(labels: list[str], vectors: np.ndarray, method: str = "pca", source: str = "", seed: int = 0) -> Projection:
    if method not in METHODS:
        raise InputError(_("unknown projection {method!r}").format(method=method),
                         _("Use one of: {choices}.").format(choices=', '.join(METHODS)))
    check_count(len(labels))
    if method == "pca":
        points, explained = pca_2d(vectors)
        return Projection(labels, points, "pca", explained, source)
    try:
        import umap
    except ImportError:
        raise InputError(_("UMAP needs the umap-learn package"),
                         _("pip install 'seqlab[umap]', or use method=\"pca\"."),
                         cli_hint=_("pip install 'seqlab[umap]', or use --method pca.")) from None
    reducer = umap.UMAP(n_components=2, random_state=seed, n_neighbors=min(15, len(labels) - 1), metric="cosine")
    return Projection(labels, reducer.fit_transform(vectors), "umap", None, source)


def project_items(labels: list[str], word_vectors=None, method: str = "pca", model: str | None = None,
                  progress: Progress | None = None, embed_oov: bool | None = None) -> Projection:
    """Words (from ``word_vectors``) or, without them, sentences (embedded by ``model``, with ``progress(done,
    total)`` over the sentences) projected to 2-D.

    A word outside the vocabulary is refused as unknown, as in ``neighbors``, unless ``embed_oov`` (None: the
    vectors' own policy; FastText builds it); the words built from their pieces are in ``oov``. A label given twice
    would be drawn on itself: each is drawn once, and the repeated ones are in ``repeated``."""
    counts = Counter(labels)
    labels, repeated = list(counts), [label for label, n in counts.items() if n > 1]
    projection = _project_unique(labels, word_vectors, method, model, progress, embed_oov)
    projection.repeated = repeated
    return projection


def _project_unique(labels, word_vectors, method, model, progress, embed_oov) -> Projection:
    if word_vectors is None:
        from seqlab.vectors.encoder import load_encoder
        from seqlab.vectors.word_input import SENTENCE_SUFFIX

        if progress:
            progress(0, len(labels))
        enc = load_encoder(model)
        done = [0]

        def step(n: int) -> None:
            done[0] += n
            if progress:
                progress(done[0], len(labels))

        matrix = enc.sentence_vectors(labels, prefix=enc.default_prefix("query"), progress=step)
        source = enc.name + SENTENCE_SUFFIX
    else:
        matrix = np.stack([word_vectors.vector(w, embed_oov) for w in labels])
        source = word_vectors.source
        projection = project(labels, matrix, method, source)
        projection.oov = [w for w in labels if w not in word_vectors.index]
        return projection
    return project(labels, matrix, method, source)
