"""Train Word2Vec or FastText with gensim on a corpus split into Kiwi morphemes (or words).

Korean words glue particles and endings to stems (``영화가``, ``영화를``), so
training on morphemes (``영화 가``) gives one vector per stem. The corpus is
tokenized once into a temporary file with Kiwi's thread pool, then gensim
streams it for every epoch (memory stays flat for any corpus size).
"""

from __future__ import annotations

import glob
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from seqlab.errors import InputError, check_number, check_path
from seqlab.i18n import _, ngettext
from seqlab.ids.limits import MAX_MIN_COUNT
from seqlab.limits import SEED_MAX
from seqlab.progress import Progress, new_phase
from seqlab.text.reading import replaced_summary
from seqlab.tokens.corpus import check_corpus, write_split_corpus
from seqlab.vectors.limits import WORDVEC_DIM, WORDVEC_EPOCHS, WORDVEC_WINDOW, WORDVEC_WORKERS
from seqlab.vectors.word_results import rounded_mean

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
    buckets: int | None = None  # FastText: rows of the character n-gram table
    bytes_written: int = 0  # every file saved
    example: str = ""  # a word of the vocabulary to try first (영화, 영화/NNG with --tags, else a frequent word)
    seed: int | None = None
    workers: int | None = None  # gensim's threads: with one, the same seed gives the same vectors
    replaced_lines: dict = field(default_factory=dict)  # errors="replace": each file's lines that were not UTF-8
    typical_cosine: float | None = None  # mean cosine of two of the most frequent tenth of the words (1: collapsed)

    def to_dict(self) -> dict:
        return {"path": str(self.path), "kind": self.kind, "vocab_size": self.vocab_size, "dim": self.dim,
                "lines": self.lines, "tokens": self.tokens, "seconds": round(self.seconds, 2),
                "buckets": self.buckets, "bytes_written": self.bytes_written, "example": self.example,
                "seed": self.seed, "workers": self.workers, "reproducible": self.workers == 1,
                "typical_cosine": rounded_mean(self.typical_cosine),
                **replaced_summary(self.replaced_lines)}


class _EpochReport:
    """A gensim training callback (the four hooks gensim calls) that reports ``progress(epoch, epochs)``."""

    def __init__(self, progress: Progress, epochs: int):
        self.progress, self.epochs, self.done = progress, epochs, 0

    def on_train_begin(self, model) -> None:
        self.progress(0, self.epochs)

    def on_epoch_end(self, model) -> None:
        self.done += 1
        self.progress(self.done, self.epochs)

    def on_epoch_begin(self, model) -> None:
        pass

    def on_train_end(self, model) -> None:
        pass


MIN_N, MAX_N = 3, 6  # gensim's FastText character n-grams
TEXT_FORMATS = (".txt", ".vec", ".bin")  # saved as word2vec format (one vector per word): FastText's n-grams are not kept


def fasttext_buckets(corpus: Path, min_count: int) -> int:
    """Rows for FastText's n-gram table, scaled to the corpus: about twice its distinct n-grams.

    gensim's default is 2,000,000 rows, whatever the corpus: with 50 dimensions that is 400 MB
    per saved file for a corpus of a thousand words. Distinct n-grams of the words that reach
    ``min_count``, doubled to keep hash collisions rare, fit the table to the data.
    """
    from collections import Counter

    counts: Counter[str] = Counter()
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            counts.update(line.split())
    grams = set()
    for word, n in counts.items():
        if n >= min_count:
            w = f"<{word}>"
            for size in range(MIN_N, MAX_N + 1):
                grams.update(w[i : i + size] for i in range(len(w) - size + 1))
    return int(min(2_000_000, max(1 << 14, 2 * len(grams))))


def train_word_vectors(files: list[str | Path], out: str | Path, kind: str = "word2vec", split: str = "kiwi",
                       dim: int = 100, window: int = 5, min_count: int = 5, epochs: int = 5, sg: bool = True,
                       workers: int = 2, seed: int = 1, tags: bool = False, text_col: str | None = None,
                       errors: str = "strict", progress: Progress | None = None) -> TrainedVectors:
    """Train and save gensim vectors (``out`` is the full model; ``out.kv`` holds just the vectors).

    Args:
        files: corpus files, one text per line (or a TSV/CSV column with ``text_col``).
        kind: ``word2vec`` or ``fasttext`` (FastText also embeds unseen words from character n-grams).
        split: ``kiwi`` morphemes or ``whitespace`` words.
        sg: skip-gram (True) or CBOW (False).
        tags: keep POS tags in the tokens (``영화/NNG``).
        progress: ``progress(done, total)`` over the corpus' lines while they are split, then over the epochs
            (:func:`seqlab.progress.new_phase` names each phase).
    """
    from gensim.models import FastText, Word2Vec

    if kind not in KINDS:
        raise InputError(_("unknown vectors kind {kind!r}").format(kind=kind),
                         _("Use one of: {choices}.").format(choices=', '.join(KINDS)))
    if split not in SPLITS:
        raise InputError(_("unknown split {split!r}").format(split=split),
                         _("Use one of: {choices}.").format(choices=', '.join(SPLITS)))
    for name, value, (low, high) in (("dim", dim, WORDVEC_DIM), ("window", window, WORDVEC_WINDOW),
                                     ("min_count", min_count, (1, MAX_MIN_COUNT)), ("epochs", epochs, WORDVEC_EPOCHS),
                                     ("workers", workers, WORDVEC_WORKERS), ("seed", seed, (0, SEED_MAX))):
        check_number(name, value, low, high, whole=True)
    files = check_corpus(files, errors)
    out = check_path("out", out)
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        new_phase(progress, _("splitting into Kiwi morphemes") if split == "kiwi" else _("splitting into words"),
                  _("lines"))
        replaced: dict[str, list[int]] = {}
        lines, tokens = write_split_corpus(files, corpus, split, tags, text_col, errors, progress=progress,
                                           replaced=replaced)
        if lines == 0:
            raise InputError(ngettext("{files} holds no text (no lines, or only blank ones)",
                                      "{files} hold no text (no lines, or only blank ones)", len(files)).format(
                files=", ".join(_("standard input") if str(f) == "-" else str(f) for f in files)),
                _("Give a file with one text per line."))
        new_phase(progress, _("training {kind}").format(kind="FastText" if kind == "fasttext" else "Word2Vec"),
                  _("epochs"))
        options = {"vector_size": dim, "window": window, "min_count": min_count, "epochs": epochs, "sg": int(sg),
                   "workers": workers, "seed": seed, "callbacks": [_EpochReport(progress, epochs)] if progress else ()}
        buckets = None
        try:
            if kind == "fasttext":
                buckets = fasttext_buckets(corpus, min_count)
                model = FastText(corpus_file=str(corpus), bucket=buckets, min_n=MIN_N, max_n=MAX_N, **options)
            else:
                model = Word2Vec(corpus_file=str(corpus), **options)
        except RuntimeError as exc:  # gensim: "you must first build vocabulary" when no word reached min_count
            if "vocabulary" not in str(exc):
                raise
            model = None
    if model is not None:
        model.callbacks = ()  # gensim keeps them on the model, and would pickle them into the saved file
    if model is None or len(model.wv) == 0:
        raise InputError(_("no token reached min_count {min_count}").format(min_count=min_count),
                         _("Lower min_count or give more text."), option="min_count",
                         cli_hint=_("Lower --min-count or give more text."))
    # gensim writes several files (arrays beside the pickle): build them aside, then move each into place
    written = 0
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        if out.suffix.lower() in TEXT_FORMATS:  # what the name promises: word2vec's text (.txt, .vec) or binary (.bin)
            model.wv.save_word2vec_format(str(Path(tmp) / out.name), binary=out.suffix.lower() == ".bin")
        else:
            model.save(str(Path(tmp) / out.name))
            model.wv.save(str(Path(tmp) / (out.name + ".kv")))
        for produced in Path(tmp).iterdir():
            written += produced.stat().st_size
            produced.replace(out.parent / produced.name)
    from seqlab.vectors.word_set import mean_cosine

    return TrainedVectors(out, kind, len(model.wv), dim, lines, tokens, time.perf_counter() - start, buckets, written,
                          example_word(model.wv.index_to_key), seed, workers,
                          {name: lines for name, lines in replaced.items() if lines},
                          mean_cosine(model.wv.vectors[: max(10, len(model.wv) // 10)]))  # gensim's words by frequency


def companion_files(out: Path) -> list[Path]:
    """The files gensim writes beside a ``.model`` that exist now: ``NAME.kv`` (the vectors alone, written here) and
    the ``.npy`` arrays gensim puts beside large models and vectors; a word2vec file has none."""
    out = Path(out)
    if out.suffix.lower() in TEXT_FORMATS:
        return []
    return sorted(p for p in out.parent.glob(f"{glob.escape(out.name)}.*")
                  if p.is_file() and (p.name == out.name + ".kv" or p.name.endswith(".npy")))


def example_word(vocabulary: list[str]) -> str:
    """A word to try the new vectors with: 영화 (or 영화/NNG) when it is there, else the most frequent word of two
    or more letters.

    >>> example_word(["이/JKS", "영화/NNG", "좋/VA"]), example_word(["the", "a", "movie"]), example_word(["가"])
    ('영화/NNG', 'the', '가')
    """
    for word in ("영화", "영화/NNG"):
        if word in vocabulary:
            return word
    return next((w for w in vocabulary if sum(c.isalpha() for c in w.split("/")[0]) >= 2), vocabulary[0])
