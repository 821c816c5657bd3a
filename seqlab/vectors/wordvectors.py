"""Word vectors: neighbours and analogies (``왕 - 남자 + 여자 ≈ 여왕``).

Two sources behind one interface:

- **from the embedded model**: each word of a real vocabulary (wordfreq's
  Korean list and top English words) is embedded by the transformer, with
  e5's ``"query: "`` prefix and mean pooling; built once and cached;
- **trained**: Word2Vec/FastText vectors saved by gensim (``--vectors PATH``).

Analogies use 3CosAdd on unit vectors, as gensim's ``most_similar`` does:
rank every word by cos(w, b - a + c) and leave the input words out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from seqlab.display import Displayable
from seqlab.errors import InputError
from seqlab.i18n import _
from seqlab.storage import atomic_write_bytes, seqlab_home
from seqlab.vectors.pooling import l2_normalize

_PIECE = re.compile(r"[+-]|[^\s+-]+")
VOCAB_VERSION = 1
KOREAN_WORDS, ENGLISH_WORDS = 30_000, 20_000


@dataclass(frozen=True)
class Neighbor:
    word: str
    score: float

    def to_dict(self) -> dict:
        return {"word": self.word, "score": round(self.score, 6)}


@dataclass
class AnalogyResult(Displayable):
    expression: str
    positive: list[str]
    negative: list[str]
    results: list[Neighbor]
    source: str

    def to_dict(self) -> dict:
        return {"expression": self.expression, "positive": self.positive, "negative": self.negative,
                "source": self.source, "results": [n.to_dict() for n in self.results]}


def parse_expression(expression: str) -> tuple[list[str], list[str]]:
    """``"왕 - 남자 + 여자"`` -> (["왕", "여자"], ["남자"]): words joined by single ``+`` and ``-``, a word first.

    >>> parse_expression("king - man + woman")
    (['king', 'woman'], ['man'])
    >>> parse_expression("왕 -- + 여자")
    Traceback (most recent call last):
    ...
    seqlab.errors.InputError: cannot read the analogy '왕 -- + 여자': an operator stands where a word should
    Write it as words joined by + and -, e.g. "왕 - 남자 + 여자".
    """
    pieces = _PIECE.findall(expression)
    hint = _('Write it as words joined by + and -, e.g. "왕 - 남자 + 여자".')
    if not pieces:
        raise InputError(_("the analogy {expression!r} is empty").format(expression=expression), hint)
    pos, neg = [], []
    for i, piece in enumerate(pieces):
        is_op = piece in "+-"
        if is_op == (i % 2 == 0):  # words at even positions, operators at odd ones
            where = "an operator stands where a word should" if is_op else "two words follow each other"
            raise InputError(_("cannot read the analogy {expression!r}: {where}").format(expression=expression,
                                                                                         where=where), hint)
        if not is_op:
            (neg if i > 0 and pieces[i - 1] == "-" else pos).append(piece)
    if pieces[-1] in "+-":
        raise InputError(_("cannot read the analogy {expression!r}: it ends with {last!r}")
                         .format(expression=expression, last=pieces[-1]), hint)
    if not pos:
        raise InputError(_("cannot read the analogy {expression!r}: nothing is added").format(expression=expression),
                         hint)
    return pos, neg


@dataclass
class NeighborsResult(Displayable):
    """``seqlab neighbors``: the nearest words to ``word``."""

    word: str
    source: str
    results: list[Neighbor]

    def to_dict(self) -> dict:
        return {"word": self.word, "source": self.source, "results": [n.to_dict() for n in self.results]}


@dataclass
class WordVectors:
    """A vocabulary and one unit vector per word."""

    words: list[str]
    vectors: np.ndarray  # (V, D) float32, rows L2-normalized
    source: str
    embed_missing: Callable[[list[str]], np.ndarray] | None = None  # e.g. a model that can embed any word
    unknown_chars: Callable[[str], list[str]] | None = None  # the characters of a word the model reads as <unk>
    index: dict[str, int] = field(init=False)

    def __post_init__(self):
        self.index = {w: i for i, w in enumerate(self.words)}

    def vector(self, word: str) -> np.ndarray:
        if not word.strip():
            raise InputError(_("the word is empty"), _("Give a word with at least one visible character."))
        i = self.index.get(word)
        if i is not None:
            return self.vectors[i]
        if self.embed_missing is not None:
            self.check_known(word)
            return l2_normalize(self.embed_missing([word]))[0]
        raise InputError(_("{word!r} is not in the vocabulary of {source}").format(word=word, source=self.source),
                         _("Try another word, or vectors that can embed any word (FastText, or an embedded model)."))

    def check_known(self, word: str) -> None:
        """Refuse a word the model cannot represent: every piece of it is unknown (``<unk>``)."""
        if self.unknown_chars is None:
            return
        unknown = self.unknown_chars(word)
        if unknown and "".join(unknown) == "".join(word.split()):
            raise InputError(_("{word!r} is unknown to {source}: every piece of it is <unk> ({chars}), so it has no "
                               "vector of its own").format(word=word, source=self.source,
                                                           chars=', '.join(repr(c) for c in unknown)),
                             _("Try another word; the model has never seen these characters."))

    def _rank(self, query: np.ndarray, exclude: Sequence[str], k: int) -> list[Neighbor]:
        scores = self.vectors @ (query / max(float(np.linalg.norm(query)), 1e-12))
        for w in exclude:
            if w in self.index:
                scores[self.index[w]] = -np.inf
        k = min(k, len(self.words))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Neighbor(self.words[i], float(scores[i])) for i in top if np.isfinite(scores[i])]

    def neighbors(self, word: str, k: int = 10) -> NeighborsResult:
        """The ``k`` words with the highest cosine to ``word`` (itself excluded)."""
        if k < 1:
            raise InputError(_("k must be at least 1, got {k}").format(k=k))
        return NeighborsResult(word, self.source, self._rank(self.vector(word), [word], k))

    def analogy(self, positive: Sequence[str], negative: Sequence[str] = (), k: int = 10) -> list[Neighbor]:
        """3CosAdd: words closest to sum(positive) - sum(negative), inputs excluded."""
        if k < 1:
            raise InputError(_("k must be at least 1, got {k}").format(k=k))
        query = sum(self.vector(w) for w in positive) - sum((self.vector(w) for w in negative), np.zeros(self.dim))
        return self._rank(query, [*positive, *negative], k)

    def solve(self, expression: str, k: int = 10) -> AnalogyResult:
        pos, neg = parse_expression(expression)
        return AnalogyResult(expression, pos, neg, self.analogy(pos, neg, k), self.source)

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]


def _wordfreq_vocabulary(korean: int, english: int) -> list[str]:
    import wordfreq

    def is_word(w: str) -> bool:
        return any(c.isalpha() for c in w)

    ko = [w for w in wordfreq.get_frequency_dict("ko") if is_word(w)][:korean]
    en = [w for w in wordfreq.get_frequency_dict("en") if is_word(w) and w.isascii()][:english]
    return list(dict.fromkeys(ko + en))


def model_vectors_path(model: str, korean: int | None = None, english: int | None = None) -> Path:
    slug = re.sub(r"[^\w.-]+", "_", model)
    korean, english = korean or KOREAN_WORDS, ENGLISH_WORDS if english is None else english
    size = "" if (korean, english) == (KOREAN_WORDS, ENGLISH_WORDS) else f"-ko{korean}-en{english}"
    return seqlab_home() / "wordvectors" / f"{slug}-wordfreq{size}-v{VOCAB_VERSION}.npz"


def from_model(model: str | None = None, progress: Callable[[int, int], None] | None = None,
               korean: int | None = None, english: int | None = None) -> WordVectors:
    """Word vectors of the embedded transformer over wordfreq's vocabulary (cached after the first build).

    Args:
        model: an HF model name (default e5-small).
        progress: called as ``progress(done, total)`` while building.
        korean, english: how many of wordfreq's most frequent words to take (default 30,000 and 20,000).
    """
    from seqlab.vectors.encoder import load_encoder

    enc = load_encoder(model)
    prefix = enc.default_prefix("query")
    korean, english = korean or KOREAN_WORDS, ENGLISH_WORDS if english is None else english
    path = model_vectors_path(enc.name, korean, english)

    def embed(words: list[str]) -> np.ndarray:
        return enc.sentence_vectors(words, pooling="mean", normalize=True, prefix=prefix)

    def unknown_chars(word: str) -> list[str]:
        return [u.chars for u in enc.tokenizer.encode(word).unk]

    source = f"{enc.name} (wordfreq vocabulary)"
    if path.exists():
        with np.load(path, allow_pickle=False) as data:
            return WordVectors(data["words"].tolist(), data["vectors"], source, embed, unknown_chars)
    words = _wordfreq_vocabulary(korean, english)
    chunks, done = [], 0
    for start in range(0, len(words), 2048):
        chunks.append(embed(words[start : start + 2048]))
        done += len(chunks[-1])
        if progress:
            progress(done, len(words))
    vectors = np.concatenate(chunks).astype(np.float32)
    import io

    buffer = io.BytesIO()
    np.savez(buffer, words=np.array(words), vectors=vectors)
    atomic_write_bytes(path, buffer.getvalue())
    return WordVectors(words, vectors, source, embed, unknown_chars)


def from_gensim(path: str | Path) -> WordVectors:
    """Vectors saved by gensim: a ``.model``/``.kv`` file (gensim's own format) or word2vec text/binary.

    gensim's own format is a pickle: load only files you made or trust.
    """
    from gensim.models import KeyedVectors

    path = Path(path)
    if not path.exists():
        raise InputError(_("vectors file not found: {path}").format(path=path),
                         _("Train some with: seqlab wordvec train"))
    try:
        if path.suffix in (".txt", ".vec"):
            kv = KeyedVectors.load_word2vec_format(str(path), binary=False)
        elif path.suffix == ".bin":
            kv = KeyedVectors.load_word2vec_format(str(path), binary=True)
        else:
            obj = KeyedVectors.load(str(path))
            kv = obj if isinstance(obj, KeyedVectors) else getattr(obj, "wv", None)
            if kv is None:
                raise InputError(_("{path} holds a {name}, not word vectors").format(path=path,
                                                                                     name=type(obj).__name__))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001  gensim raises many kinds for a wrong file
        raise InputError(_("cannot read word vectors from {path}: {name}: {exc}").format(path=path,
                                                                                         name=type(exc).__name__, exc=exc),
                         _("Give a file saved by gensim (.model/.kv) or in word2vec format (.txt/.vec/.bin).")) from None
    vectors = l2_normalize(kv.vectors.astype(np.float32))
    missing = None
    if hasattr(kv, "buckets_word") or type(kv).__name__ == "FastTextKeyedVectors":
        def missing(words: list[str]) -> np.ndarray:  # FastText builds vectors for unseen words from n-grams
            return np.stack([kv.get_vector(w) for w in words]).astype(np.float32)
    return WordVectors(list(kv.index_to_key), vectors, f"{path.name} ({type(kv).__name__})", missing)


def is_built(model: str | None = None) -> bool:
    """Whether the embedded model's word vectors are already cached (else the first use builds them)."""
    from seqlab.pretrained.registry import resolve

    return model_vectors_path(resolve(model).name).exists()


def ensure(model: str | None = None, progress: Callable[[int, int], None] | None = None) -> WordVectors:
    """The embedded model's word vectors, built first when they are not cached yet (``progress(done, total)``)."""
    return from_model(model, progress)


def load_word_vectors(vectors: str | Path | None = None, model: str | None = None,
                      progress: Callable[[int, int], None] | None = None) -> WordVectors:
    """``--vectors PATH`` when given, else the embedded model's word vectors (built on first use)."""
    return from_gensim(vectors) if vectors else ensure(model, progress)
