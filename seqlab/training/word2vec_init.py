"""Word vectors pre-trained on the training texts themselves: the recurrent classifier's default embedding.

Word2Vec (skip-gram, gensim) learns from the same Kiwi morphemes the classifier
reads, so every vocabulary entry gets a vector that already places 재밌/VA near
재미있/VA before the first labelled step; this is worth about half a point of
validation accuracy on NSMC over e5's input embeddings (docs/benchmarks.md). The
vectors are trained on the training split only (never on validation texts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlab.training.prepare import Encoded


@dataclass
class Word2VecInit:
    window: int = 5  # context words on each side
    epochs: int = 5  # passes over the training texts
    min_count: int = 2  # the classifier's vocabulary already drops rarer tokens
    workers: int = 1  # gensim threads: one makes a run reproducible with its --seed (two: ~30 s faster on NSMC, runs differ)
    scale: float = 0.1  # rows are unit vectors times sqrt(dim) * scale: entries of about `scale`


def word2vec_embedding(train: Encoded, dim: int, seed: int, cfg: Word2VecInit | None = None,
                       matrix: np.ndarray | None = None) -> tuple[np.ndarray, int]:
    """(V, dim) embedding matrix from skip-gram vectors trained on ``train``'s token sequences, and how
    many rows they cover. Rows without a vector keep ``matrix``'s (random) values; ``<pad>`` is zero.
    """
    from gensim.models import Word2Vec

    cfg = cfg or Word2VecInit()
    vocab = train.vocab
    words = [str(i) for i in range(len(vocab))]  # gensim wants strings; the ids are the vocabulary's
    sentences = [[words[i] for i in train.sequence(k)] for k in range(len(train))]
    model = Word2Vec(sentences=sentences, vector_size=dim, window=cfg.window, min_count=cfg.min_count,
                     epochs=cfg.epochs, sg=1, workers=cfg.workers, seed=seed)
    if matrix is None:
        matrix = np.random.default_rng(seed).normal(scale=0.1, size=(len(vocab), dim)).astype(np.float32)
    covered = 0
    first = len(vocab.specials)  # <pad>, <unk>, ... keep their own rows
    for i in range(first, len(vocab)):
        j = model.wv.key_to_index.get(words[i])
        if j is not None:
            v = model.wv.vectors[j]
            matrix[i] = v / max(float(np.linalg.norm(v)), 1e-8) * np.sqrt(dim) * cfg.scale
            covered += 1
    matrix[vocab.pad_id] = 0.0
    return matrix, covered
