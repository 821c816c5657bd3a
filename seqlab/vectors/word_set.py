"""A set of word vectors: a vocabulary and one unit vector per word, with nearest words and analogies (3CosAdd,
3CosMul) over it. Every source builds one: Kiwi's (:mod:`seqlab.vectors.kiwi_word_vectors`), a transformer's
(:mod:`seqlab.vectors.wordvectors`) and gensim's (:mod:`seqlab.vectors.gensim_vectors`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from seqlab.errors import InputError, UsageError, canonical, check_number
from seqlab.i18n import _
from seqlab.pretrained.registry import embedded_names
from seqlab.text.unicode import conjoining_spellings
from seqlab.vectors.analogy import DEFAULT_METHOD, METHODS, scores
from seqlab.vectors.pooling import l2_normalize
from seqlab.vectors.word_input import (
    UnknownWord,
    analogy_words,
    check_word,
    each_word,
    net_coefficients,
    parse_expression,
)
from seqlab.vectors.word_results import AnalogyResult, Neighbor, NeighborsResult

KOREAN_WORDS, ENGLISH_WORDS = 30_000, 20_000  # the default word list's sizes (wordfreq's most frequent)


MIN_WORDS_FOR_MEAN = 10  # fewer words: no mean cosine is said (one or two pairs would decide it)


def mean_cosine(rows: np.ndarray) -> float | None:
    """The mean cosine of two different rows of ``rows`` (V, D), at most 1,000 of them (drawn with seed 0).

    Rows that are zero or not finite are left out; fewer than :data:`MIN_WORDS_FOR_MEAN` rows give None. About 0 for
    centred vectors; near 1 when vectors have collapsed onto one direction and hardly tell words apart.

    >>> round(mean_cosine(np.vstack([np.eye(10), np.ones((2, 10))])), 4)  # (40 pairs at 1/√10 + 2 at 1) / 132
    0.111
    """
    rows = np.asarray(rows)
    if len(rows) > 1000:
        rows = rows[np.sort(np.random.default_rng(0).choice(len(rows), size=1000, replace=False))]
    sample = rows.astype(np.float64)  # (m, D), at most 1,000 rows: the only copy made
    norms = np.linalg.norm(sample, axis=1)
    keep = np.isfinite(norms) & (norms > 0)
    if keep.sum() < MIN_WORDS_FOR_MEAN:
        return None
    sample = sample[keep] / norms[keep, None]
    m, total = len(sample), sample.sum(axis=0)
    return float((total @ total - m) / (m * (m - 1)))  # the sum over pairs i != j of v_i·v_j: |sum|² less the m ones


def mean_other(scores_row: np.ndarray, skip: int | None) -> float | None:
    """The mean of a word's cosines with every other word (``skip``: its own index, or None when it is not in the
    vocabulary); None under :data:`MIN_WORDS_FOR_MEAN` words."""
    others = np.delete(scores_row, skip) if skip is not None else scores_row
    others = others[np.isfinite(others)]
    return float(others.mean(dtype=np.float64)) if len(others) >= MIN_WORDS_FOR_MEAN else None


COMPOUND_RANKS = 3  # answers this high that are built on a question word are said (AnalogyResult.compounds)


def built_on(reading: str, words: Sequence[str]) -> bool:
    """Whether Kiwi's ``reading`` of a word ("왕/NNG 전/NNG") has more than one morpheme, one of them a word of
    ``words``: the word's vector is composed from its morphemes', so it stays near that word.

    >>> built_on("왕/NNG 전/NNG", ["왕", "여자"]), built_on("여왕/NNG", ["왕"]), built_on("", ["왕"])
    (True, False, False)
    """
    forms = [part.rsplit("/", 1)[0] for part in reading.split()]
    return len(forms) > 1 and any(form in words for form in forms)


@dataclass
class WordVectors:
    """A vocabulary and one unit vector per word (rows that are not unit length are L2-normalized on creation).

    >>> V = WordVectors(["왕", "여왕"], np.eye(2), "toy")
    >>> V
    WordVectors(toy: 2 words × 2 dimensions)
    """

    words: list[str] = field(repr=False)
    vectors: np.ndarray = field(repr=False)  # (V, D) float32, rows L2-normalized
    source: str
    embed_missing: Callable[[list[str]], np.ndarray] | None = None  # e.g. a model that can embed any word
    unknown_chars: Callable[[str], list[str]] | None = None  # the characters of a word the model reads as <unk>
    pieces: Callable[[str], list[str]] | None = None  # the pieces the model reads a word as
    embeds_oov: bool = False  # True: any word is built from its parts by design (FastText), so none is unknown
    morphemes: bool = False  # True: the pieces are Kiwi morphemes (how unknown words are reported)
    candidates: int = 0  # the words its build considered (Kiwi: before unreadable words and fragments are left out)
    readings: list[str] | None = field(default=None, repr=False)  # Kiwi's: each word's morphemes ("가/VV 었/EP 다/EF")
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self):
        if isinstance(self.words, str):
            raise InputError(_("words must be a list of words, not one string"))
        vectors = np.asarray(self.vectors)
        if vectors.ndim != 2 or vectors.shape[0] != len(self.words):
            raise InputError(_("vectors must be one row per word: {n} words, vectors of shape {shape}").format(
                n=len(self.words), shape=tuple(vectors.shape)))
        norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors))  # (V,): no temporary the size of the matrix
        if not np.allclose(norms, 1.0, atol=1e-3) or vectors.dtype != np.float32:  # a cosine needs unit rows
            vectors = l2_normalize(vectors.astype(np.float32))
        self.vectors = vectors
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) < len(self.words):  # a repeated word would be its own nearest neighbour
            seen: set[str] = set()
            twice = list(dict.fromkeys(w for w in self.words if w in seen or seen.add(w)))
            raise InputError(_("words must be different; given more than once: {words}").format(
                words=", ".join(map(repr, twice[:5])) + (_(" … and {n:,} more").format(n=len(twice) - 5)
                                                         if len(twice) > 5 else "")))

    def __repr__(self) -> str:
        return f"WordVectors({self.source}: {len(self.words):,} words × {self.dim} dimensions)"

    def vector(self, word: str, embed_oov: bool | None = None) -> np.ndarray:
        """The word's unit vector; a word outside the vocabulary is built on the fly only with ``embed_oov``.

        ``embed_oov=None`` (the default, as for :meth:`neighbors` and :meth:`analogy`) follows the vectors' own
        policy (:attr:`embeds_oov`). A word the model reads with ``<unk>`` pieces is always refused
        (:class:`UnknownWord`).
        """
        if embed_oov and self.embed_missing is None:  # asked for, and impossible: refused, not ignored in silence
            raise UsageError(_("{source} cannot build a word it lacks: embed_oov has nothing to do").format(
                source=self.source), _("Leave embed_oov out. FastText vectors saved as .model, and the word vectors "
                                       "of a transformer ({names}), can build one.").format(names=embedded_names(True)),
                option="embed_oov", cli_hint=_("Leave --embed-oov out. FastText vectors saved as .model, and a "
                                                "transformer's word vectors (-m NAME: {names}), can build one.").format(
                    names=embedded_names(True)))
        word = self.stored(check_word(word))
        i = self.index.get(word)
        if i is not None:
            return self.vectors[i]
        embed_oov = self.embeds_oov if embed_oov is None else embed_oov
        self.check_known(word)
        if self.embed_missing is None or not embed_oov:
            raise UnknownWord(word, self.source, len(self.words), self.pieces(word) if self.pieces else [], [],
                              can_embed=self.embed_missing is not None, morphemes=self.morphemes)
        return l2_normalize(self.embed_missing([word]))[0]

    def stored(self, word: str) -> str:
        """``word`` as the vectors spell it: ㄴ as typed finds Kiwi's ending ᆫ (a conjoining final consonant), which
        no keyboard types; any other word as given."""
        if word in self.index:
            return word
        return next((w for w in conjoining_spellings(word) if w in self.index), word)

    def check_known(self, word: str) -> None:
        """Refuse a word the model cannot represent: a character of it is unknown (``<unk>``) to the model."""
        unknown = self.unknown_chars(word) if self.unknown_chars is not None else []
        if unknown:
            raise UnknownWord(word, self.source, len(self.words), self.pieces(word) if self.pieces else [], unknown,
                              morphemes=self.morphemes)

    def _top(self, scores_row: np.ndarray, exclude: Sequence[str], k: int) -> list[Neighbor]:
        scores_row = np.array(scores_row, dtype=np.float64)
        for w in exclude:
            if w in self.index:
                scores_row[self.index[w]] = -np.inf
        k = min(k, len(self.words))
        top = np.argpartition(-scores_row, k - 1)[:k]
        top = top[np.argsort(-scores_row[top], kind="stable")]
        return [Neighbor(self.words[i], float(scores_row[i])) for i in top if np.isfinite(scores_row[i])]

    def _cosines(self, query: np.ndarray) -> np.ndarray:
        """(V,) the cosine of ``query`` with every word (the rows are unit length)."""
        return self.vectors @ (query / max(float(np.linalg.norm(query)), 1e-12))

    def neighbors(self, word: str, k: int = 10, embed_oov: bool | None = None) -> NeighborsResult:
        """The ``k`` words with the highest cosine to ``word`` (itself excluded).

        A word outside the vocabulary is refused as unknown (:class:`UnknownWord`) unless ``embed_oov``
        (None: the vectors' own policy, :attr:`embeds_oov`).
        """
        check_number("k", k, 1, whole=True)
        word = self.stored(check_word(word))
        in_vocabulary = word in self.index
        cosines = self._cosines(self.vector(word, embed_oov))  # its neighbours, and the mean they read against
        return NeighborsResult(word, self.source, self._top(cosines, [word], k), in_vocabulary, k, self.reading(word),
                               mean_other(cosines, self.index.get(word)))

    def reading(self, word: str) -> str:
        """How Kiwi read a word of the vocabulary (its morphemes), or "" (another source, or not kept)."""
        i = self.index.get(word)
        return self.readings[i] if self.readings is not None and i is not None else ""

    def analogy(self, positive: Sequence[str], negative: Sequence[str] = (), k: int = 10, method: str | None = None,
                embed_oov: bool | None = None) -> AnalogyResult:
        """The ``k`` best words for sum(positive) - sum(negative) by 3CosMul or 3CosAdd, inputs excluded.

        The result is a record (drawn in a notebook, ``to_dict()``) and also the list of its words:
        ``V.analogy(["왕", "여자"], ["남자"])[0].word``.
        """
        check_number("k", k, 1, whole=True)
        method = canonical(method or DEFAULT_METHOD, METHODS)  # 3CosMul, as papers write it, is 3cosmul
        if method not in METHODS:
            raise InputError(_("unknown analogy method {method!r}").format(method=method),
                             _("Use one of: {choices}.").format(choices=", ".join(METHODS)))
        given_pos, given_neg = analogy_words(positive, negative)
        positive, negative = [self.stored(w) for w in given_pos], [self.stored(w) for w in given_neg]
        vectors = each_word([*positive, *negative], lambda w: self.vector(w, embed_oov))  # every unknown word named
        pos = np.stack(vectors[: len(positive)])[None]  # (1, P, D)
        neg = np.stack(vectors[len(positive):])[None] if negative else np.zeros((1, 0, self.dim), dtype=np.float32)  # (1, N, D)
        results = self._top(scores(method, self.vectors, pos, neg)[0], [*positive, *negative], k)
        oov = [w for w in dict.fromkeys([*given_pos, *given_neg]) if self.stored(w) not in self.index]
        result = AnalogyResult.written(given_pos, given_neg, results, self.source, method, oov, k)
        # an answer built on a word the sum adds (not on one that cancels out); none for one word's neighbours (왕,
        # 왕 - 남자 + 남자), which are nearly all built on that word, as the one-word note says
        if result.one_word is None:
            added = [w for w, c in net_coefficients(positive, negative).items() if c > 0]
            result.compounds = {n.word: self.reading(n.word) for n in results[:COMPOUND_RANKS]
                                if built_on(self.reading(n.word), added)}
        return result

    def solve(self, expression: str, k: int = 10, method: str | None = None,
              embed_oov: bool | None = None) -> AnalogyResult:
        """``"왕 - 남자 + 여자"`` -> the best words, with the method and the words that were not in the vocabulary."""
        pos, neg = parse_expression(expression)
        result = self.analogy(pos, neg, k, method, embed_oov)
        result.expression = expression
        return result

    @property
    def dim(self) -> int:
        """The number of dimensions of each word vector."""
        return self.vectors.shape[1]
