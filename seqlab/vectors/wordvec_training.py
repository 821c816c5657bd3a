"""Train Word2Vec or FastText with gensim on a corpus split into Kiwi morphemes (or words).

Korean words glue particles and endings to stems (``영화가``, ``영화를``), so
training on morphemes (``영화 가``) gives one vector per stem. The corpus is
tokenized once into a temporary file with Kiwi's thread pool, then gensim
streams it for every epoch (memory stays flat for any corpus size).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from seqlab.errors import InputError
from seqlab.i18n import _
from seqlab.tokens.corpus import write_split_corpus

KINDS = ("word2vec", "fasttext")
SPLITS = ("kiwi", "whitespace")


@dataclass(frozen=True)
class TrainedVectors:
    path: Path
    kind: str
    vocab_size: int
    dim: int
    lines: int
    tokens: int
    seconds: float

    def to_dict(self) -> dict:
        return {"path": str(self.path), "kind": self.kind, "vocab_size": self.vocab_size, "dim": self.dim,
                "lines": self.lines, "tokens": self.tokens, "seconds": round(self.seconds, 2)}


def train_word_vectors(files: list[str | Path], out: str | Path, kind: str = "word2vec", split: str = "kiwi",
                       dim: int = 100, window: int = 5, min_count: int = 5, epochs: int = 5, sg: bool = True,
                       workers: int = 2, seed: int = 1, tags: bool = False, text_col: str | None = None,
                       errors: str = "strict") -> TrainedVectors:
    """Train and save gensim vectors (``out`` is the full model; ``out.kv`` holds just the vectors).

    Args:
        files: corpus files, one text per line (or a TSV/CSV column with ``text_col``).
        kind: ``word2vec`` or ``fasttext`` (FastText also embeds unseen words from character n-grams).
        split: ``kiwi`` morphemes or ``whitespace`` words.
        sg: skip-gram (True) or CBOW (False).
        tags: keep POS tags in the tokens (``영화/NNG``).
    """
    from gensim.models import FastText, Word2Vec

    if kind not in KINDS:
        raise InputError(_("unknown vectors kind {kind!r}").format(kind=kind),
                         _("Use one of: {choices}.").format(choices=', '.join(KINDS)))
    if split not in SPLITS:
        raise InputError(_("unknown split {split!r}").format(split=split),
                         _("Use one of: {choices}.").format(choices=', '.join(SPLITS)))
    if min(dim, window, min_count, epochs, workers) < 1:
        raise InputError(_("dim, window, min_count, epochs and workers must all be at least 1"))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        lines, tokens = write_split_corpus(files, corpus, split, tags, text_col, errors)
        if lines == 0:
            raise InputError(_("the corpus contains no text"))
        cls = Word2Vec if kind == "word2vec" else FastText
        model = cls(corpus_file=str(corpus), vector_size=dim, window=window, min_count=min_count, epochs=epochs,
                    sg=int(sg), workers=workers, seed=seed)
    if len(model.wv) == 0:
        raise InputError(_("no token reached --min-count {min_count}").format(min_count=min_count),
                         _("Lower --min-count or give more text."))
    # gensim writes several files (arrays beside the pickle): build them aside, then move each into place
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        model.save(str(Path(tmp) / out.name))
        model.wv.save(str(Path(tmp) / (out.name + ".kv")))
        for produced in Path(tmp).iterdir():
            produced.replace(out.parent / produced.name)
    return TrainedVectors(out, kind, len(model.wv), dim, lines, tokens, time.perf_counter() - start)
