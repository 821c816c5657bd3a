"""Word vectors from Kiwi's language model: its morpheme vectors, recovered exactly, composed into words.

kiwipiepy's CoNg model (``model_type="cong"``, its default) holds one vector per
morpheme (70,488 morphemes of 256 numbers in kiwipiepy-model 0.24), trained on a
large Korean corpus. Kiwi shows only their cosines (``Kiwi.morpheme_similarity``);
seqlab recovers the vectors themselves, up to a rotation that no cosine can see:

1. m anchor morphemes (m a little above the dimension) have the cosine matrix
   G = A Aᵀ (m × m); its eigendecomposition G = U Λ Uᵀ gives A = U √Λ, and the
   number of non-zero eigenvalues is the dimension;
2. any morpheme x has the cosines s = A x to the anchors, so x = A⁺ s.

The recovered vectors give back Kiwi's own cosines to about 1e-6; every build
checks this on random pairs and refuses to go on if they do not.

CoNg also embeds contexts, the morphemes before the one it predicts, and Kiwi shows
their cosines too (``Kiwi.context_similarity``). The one-morpheme context of a
morpheme is a second view of it: its morpheme vector sits near what can replace it
(도쿄 near 오사카 and 교토), its context vector near what is followed by the same
words (도쿄 near 베이징 and 헬싱키). Context vectors are recovered the same way, for
the morphemes a word needs, when it needs them (:class:`Contexts`).

A word's vector is the weighted sum of its morphemes' vectors (the common mean
of all morpheme vectors removed first, each then back to unit length), normalized:

    v(갔다) = v(가/VV) + g·v(었/EP) + v(다/EF)

with g = 2.5 for grammatical morphemes (endings, particles, suffixes) and 1 for
the rest; the ending 다 of a dictionary form counts as 다/EF with weight 1. The
context view of the word is the same sum over its morphemes' context vectors. Each
view gets all-but-the-top with D = 1 over the vocabulary
(:mod:`seqlab.vectors.all_but_the_top`), and the word vector is the two side by side,
the context view with :data:`CONTEXT_SHARE` of the squared length (:func:`join`).
A word alone is ambiguous (자다: 자/VV + 다, or the interjection 자 + 다/MAG), so a
word ending in 다 is read as a predicate stem (+ 었) + 다 whenever Kiwi offers that
reading among its best five; a particle or ending that Kiwi writes in a spelling its
model keeps no vector for is read as its other spelling (좋은's 은 as ᆫ). The vocabulary
leaves out fragments (:func:`is_word`). The weight, D, the context share and these rules
were chosen on development lists of analogies, not on the shipped set (docs/benchmarks.md).

>>> GRAMMAR_WEIGHT, ABTT_DIRECTIONS, CONTEXT_SHARE
(2.5, 1, 0.2)
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from seqlab.errors import InputError
from seqlab.i18n import _
from seqlab.storage import atomic_write_bytes, exclusive, seqlab_home

GRAMMAR_WEIGHT = 2.5  # endings (E*), particles (J*) and suffixes (XS*) weigh this much; other morphemes 1
ABTT_DIRECTIONS = 1  # all-but-the-top over each view of the word vectors: the mean and one top direction removed
CONTEXT_SHARE = 0.2  # the context view's share of a word vector's squared length; the morpheme view has the rest
ANCHORS = 300  # anchor morphemes for the recovery (the dimension, 256, plus a margin)
CHECK_PAIRS = 2000  # random pairs whose cosine must equal Kiwi's own after the recovery
CHECK_TOLERANCE = 1e-4
VERSION = 7  # of the reading and vocabulary rules (4: other spellings of endings, no fragments; 5: contexts; 6: 하다 forms;
#            7: the readings and the count of candidates kept in the cache)
_PREDICATES = ("VV", "VA", "VX")  # verb, adjective, auxiliary (Kiwi adds -I/-R for irregular/regular)
_FINAL = "다"


@functools.cache
def kiwi_model():
    """The shared Kiwi analyser (:func:`seqlab.tokens.kiwi.kiwi_instance`), checked to carry the CoNg model."""
    from seqlab.tokens.kiwi import kiwi_instance

    kiwi = kiwi_instance()
    if getattr(kiwi, "model_type", None) not in ("cong", "cong-global"):
        raise InputError(_("Kiwi's language model is {kind!r}: its word vectors need the CoNg model").format(
            kind=getattr(kiwi, "model_type", None)), _("Install kiwipiepy 0.21 or newer with kiwipiepy-model."))
    return kiwi


def model_version() -> str:
    from importlib.metadata import version

    return version("kiwipiepy-model")


@dataclass
class Morphemes:
    """Kiwi's morpheme vectors, recovered: one row per morpheme id below ``len(vectors)``."""

    vectors: np.ndarray  # (N, D) float32, unit rows (Kiwi's own cosines are their dot products)
    forms: list[str]  # id -> form ('' for the placeholders of unknown words)
    tags: list[str]  # id -> POS tag
    check_error: float  # the largest |our cosine - Kiwi's| on the checked pairs

    @functools.cached_property
    def centred(self) -> np.ndarray:
        """The vectors with their common mean removed, each back to unit length (what words are composed of)."""
        from seqlab.vectors.pooling import l2_normalize

        return l2_normalize(self.vectors - self.vectors.mean(axis=0)).astype(np.float32)


def _vector_count(kiwi, probe: int) -> int:
    """How many morphemes have a vector: ids past the last one give Kiwi's similarity NaN."""
    low, high = probe, probe + 1  # low has a vector (the probe itself)
    while not np.isnan(kiwi.morpheme_similarity(probe, high)):
        low, high = high, high * 2
    while high - low > 1:  # low has a vector, high has none
        mid = (low + high) // 2
        low, high = (mid, high) if not np.isnan(kiwi.morpheme_similarity(probe, mid)) else (low, mid)
    return high


def _rank(values: np.ndarray) -> int:
    """The rank of a Gram matrix from its eigenvalues (descending): the cut at the largest drop.

    The eigenvalues of real directions and of rounding noise (Kiwi's cosines are float32) lie orders of
    magnitude apart, so the largest ratio between neighbours marks the dimension.

    >>> _rank(np.array([5.0, 2.0, 0.01, 1e-7, 5e-8, -1e-8]))
    3
    """
    positive = np.maximum(values, values.max() * 1e-12)
    return int(np.argmax(positive[:-1] / positive[1:])) + 1


def _similarity_by_id(kiwi, method: str = "morpheme_similarity") -> Callable:
    """Kiwi's cosine of two morpheme ids (``context_similarity``: of two contexts), as fast as it can be called.

    The recovery asks for 21 million cosines. ``Kiwi.morpheme_similarity`` first checks in Python whether
    each argument is a ``Token`` (about 4.5 µs a call here); the compiled method of its base class, which it
    then calls, takes ids directly (about 0.2 µs). Every build checks the result against the public method
    (:func:`recover`), so a kiwipiepy without that base method only makes the build slower, never wrong.
    """
    compiled = getattr(type(kiwi).__mro__[1], method, None)
    return compiled.__get__(kiwi) if callable(compiled) else getattr(kiwi, method)


def _anchor_solve(sim: Callable[[int, int], float], anchor_ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The anchors' vectors A (m, D) from their cosine matrix G = A Aᵀ, and A⁺ (D, m), which solves x = A⁺ s."""
    gram = np.array([[sim(a, b) for b in anchor_ids] for a in anchor_ids], dtype=np.float64)
    values, vectors = np.linalg.eigh((gram + gram.T) / 2)  # ascending
    dim = _rank(values[::-1])
    keep = np.arange(len(values)) >= len(values) - dim
    if dim > len(anchor_ids) - 16:
        raise InputError(_("Kiwi's vectors have more dimensions than seqlab's {n} anchors can recover")
                         .format(n=len(anchor_ids)), _("Report this with your kiwipiepy-model version."))
    basis = vectors[:, keep] * np.sqrt(values[keep])  # A: (m, D), G = A Aᵀ
    return basis, np.linalg.pinv(basis)


def _solve_rows(sim: Callable[[int, int], float], ids: Sequence[int], anchor_ids: list[int], solve: np.ndarray,
                progress: Callable[[int, int], None] | None = None, step: int = 2000) -> np.ndarray:
    """x = A⁺ s for each id, s its cosines to the anchors: (len(ids), D) float32."""
    out = np.empty((len(ids), solve.shape[0]), dtype=np.float32)
    for start in range(0, len(ids), step):
        block = list(ids[start : start + step])
        rows = np.repeat(block, len(anchor_ids)).tolist()
        cosines = np.fromiter(map(sim, rows, anchor_ids * len(block)), dtype=np.float64,
                              count=len(rows)).reshape(len(block), len(anchor_ids))
        out[start : start + len(block)] = cosines @ solve.T
        if progress:
            progress(start + len(block), len(ids))
    return out


def _random_anchors(seed: int, anchors: int) -> list[int]:
    count, table = vector_ids()
    first = next(i for i, (form, _tag) in enumerate(table) if form)  # ids below: placeholders of unknown words
    return [int(i) for i in np.random.default_rng(seed).choice(np.arange(first, count), size=anchors, replace=False)]


def recover(progress: Callable[[int, int], None] | None = None, anchors: int = ANCHORS,
            seed: int = 0) -> Morphemes:
    """Every morpheme vector of Kiwi's CoNg model, from its cosines (see the module doc); about 10 to 15 s."""
    kiwi = kiwi_model()
    sim = _similarity_by_id(kiwi)
    count, table = vector_ids()
    first = next(i for i, (form, _tag) in enumerate(table) if form)
    anchor_ids = _random_anchors(seed, anchors)
    _basis, solve = _anchor_solve(sim, anchor_ids)
    out = _solve_rows(sim, range(count), anchor_ids, solve, progress)
    pairs = np.random.default_rng(seed + 1).integers(first, count, size=(CHECK_PAIRS, 2))
    # checked against Kiwi's public method, not the fast path used above
    error = float(max(abs(float(out[a] @ out[b]) - kiwi.morpheme_similarity(int(a), int(b))) for a, b in pairs))
    if error > CHECK_TOLERANCE:
        raise InputError(_("the recovered Kiwi morpheme vectors differ from Kiwi's own cosines by {error:.2g}")
                         .format(error=error), _("Report this with your kiwipiepy-model version."))
    return Morphemes(out, [form for form, _tag in table], [tag for _form, tag in table], error)


class Contexts:
    """Kiwi's vectors of one-morpheme contexts, recovered from ``Kiwi.context_similarity`` when first asked for.

    The same recovery as :func:`recover` (anchors, then x = A⁺ s), for the ids a caller needs: a vocabulary
    needs about 22,000 of the 70,488, and 300 cosines each (about 7 s). Each batch of new ids is checked
    against Kiwi's public method on random pairs.

    >>> Contexts().centred([vector_index()[("여왕", "NNG")]]).shape  # doctest: +SKIP
    (1, 256)
    """

    def __init__(self, anchors: int = ANCHORS, seed: int = 0):
        similarity = _similarity_by_id(kiwi_model(), "context_similarity")
        self._sim = lambda a, b: similarity([a], [b])
        self._seed = seed
        self.anchor_ids = _random_anchors(seed, anchors)
        basis, self.solve = _anchor_solve(self._sim, self.anchor_ids)
        self.mean = basis.mean(axis=0)  # the anchors are a random sample of all morphemes
        self._rows: dict[int, np.ndarray] = {}
        self.check_error = 0.0

    def vectors(self, ids: Sequence[int], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """(len(ids), D): each id's recovered context vector (unit length: Kiwi's cosines are dot products)."""
        new = [i for i in dict.fromkeys(int(i) for i in ids) if i not in self._rows]
        if new:
            rows = _solve_rows(self._sim, new, self.anchor_ids, self.solve, progress)
            self._check(new, rows)
            self._rows.update(zip(new, rows))
        return np.stack([self._rows[int(i)] for i in ids]) if len(ids) else np.zeros((0, self.solve.shape[0]))

    def centred(self, ids: Sequence[int], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """(len(ids), D): each id's context vector less the common mean, back to unit length."""
        from seqlab.vectors.pooling import l2_normalize

        return l2_normalize(self.vectors(ids, progress) - self.mean).astype(np.float32)

    def _check(self, ids: list[int], rows: np.ndarray) -> None:
        pairs = np.random.default_rng(self._seed + len(ids)).integers(0, len(ids), size=(min(200, len(ids)), 2))
        kiwi = kiwi_model()
        error = max(abs(float(rows[a] @ rows[b]) - kiwi.context_similarity([ids[a]], [ids[b]])) for a, b in pairs)
        if error > CHECK_TOLERANCE:
            raise InputError(_("the recovered Kiwi context vectors differ from Kiwi's own cosines by {error:.2g}")
                             .format(error=error), _("Report this with your kiwipiepy-model version."))
        self.check_error = max(self.check_error, float(error))


def read_words(words: Sequence[str]) -> list[list[tuple[int, str, str]] | None]:
    """Each word's morphemes as (vector id, form, tag), or None when a part of it has no vector.

    A particle or ending Kiwi writes in a spelling its model has no vector for is read as
    its other spelling (은 after a consonant is ᆫ after a vowel: :func:`vector_id`).

    >>> [[f"{form}/{tag}" for _i, form, tag in r] for r in read_words(["갔다", "자다", "좋은"])]  # doctest: +SKIP
    [['가/VV', '었/EP', '다/EF'], ['자/VV', '다/EF'], ['좋/VA', 'ᆫ/ETM']]
    """
    out: list[list[tuple[int, str, str]] | None] = []
    for word, candidates in zip(words, kiwi_model().analyze(list(words), top_n=5)):
        reading = []
        tokens = _choose(word, [c for c, _score in candidates])
        for t in tokens:
            if t is tokens[-1] and t.form == _FINAL and t.tag in ("EF", "EC") and len(tokens) > 1:
                i = vector_index().get((_FINAL, "EF"))  # a dictionary form's ending, however Kiwi tags it
            else:
                i = None if t.oov else vector_id(t.form, t.tag, t.id)
            if i is None:
                reading = None
                break
            reading.append((i, *vector_ids()[1][i]))
        out.append(reading or None)
    return out


def is_word(reading: list[tuple[int, str, str]]) -> bool:
    """Whether a reading makes a word of the vocabulary, not one of the fragments in wordfreq's list:

    - it has a content morpheme (not only particles and endings, such as 에서);
    - it does not stop at a tense or honorific marker (했, 셨);
    - two or more content morphemes (prefixes such as 대/XPN aside) make a compound noun (서울역,
      태국어), not pieces of a phrase read
      as one word (나시 = 나/NP + 시/NNG, 더그 = 더/MAG + 그/MM);
    - no informal coda (Z_CODA: 했당).

    >>> is_word([(0, "에서", "JKB")]), is_word([(0, "하", "VV"), (1, "었", "EP")]), is_word([(0, "영화", "NNG")])
    (False, False, True)
    >>> is_word([(0, "서울", "NNP"), (1, "역", "NNG")]), is_word([(0, "나", "NP"), (1, "시", "NNG")])
    (True, False)
    """
    content = [tag for _i, _f, tag in reading if not _grammatical(tag) and not tag.startswith(("Z", "XP"))]
    if not content or reading[-1][2] == "EP" or any(tag == "Z_CODA" for _i, _f, tag in reading):
        return False
    return len(content) == 1 or all(tag in ("NNG", "NNP", "NNB", "NR") for tag in content)


def _grammatical(tag: str) -> bool:
    return tag[0] in "EJ" or tag.startswith("XS")


_ALLOMORPHS = {"와": "과", "과": "와", "가": "이", "를": "을", "는": "은", "랑": "이랑", "나": "이나", "야": "이야",
               "며": "으며"}  # particle pairs chosen by the preceding sound (after a vowel / a consonant)
_CODA = {"은": "ᆫ", "을": "ᆯ", "음": "ᆷ", "습": "ᆸ", "는": "ᆫ"}  # 은데 -> ᆫ데, 습니다 -> ᆸ니다, 는다 -> ᆫ다


def vector_id(form: str, tag: str, i: int | None) -> int | None:
    """The id whose vector stands for morpheme ``i`` (form/tag): itself, or for a particle or ending without
    a vector, the same morpheme in its other spelling (으면 -> 면, 로 -> 으로, 와 -> 과, 은/ETM -> ᆫ/ETM).

    Kiwi writes some particles and endings under ids past its model's vectors; its language model reads
    them as their other spelling. Content morphemes have no such stand-in: None.
    """
    count, table = vector_ids()
    if i is not None and i < count and table[i][0]:
        return i
    if not _grammatical(tag):
        return None
    index = vector_index()
    spellings = [form[1:] if form.startswith("으") else "으" + form, _ALLOMORPHS.get(form, ""),
                 _CODA.get(form[:1], "") + form[1:] if form[:1] in _CODA else ""]
    for other in spellings:
        j = index.get((other, tag)) if other else None
        if j is not None:
            return j
    return None


@functools.cache
def vector_ids() -> tuple[int, list[tuple[str, str]]]:
    """How many morphemes have a vector (70,488 in kiwipiepy-model 0.24), and id -> (form, tag) for them
    ('' for the placeholders of unknown words). Needs no recovered vectors."""
    kiwi = kiwi_model()
    count = _vector_count(kiwi, next(i for i in range(1000) if kiwi.morpheme(i).form))
    morphs = [kiwi.morpheme(i) for i in range(count)]
    return count, [(m.form, m.tag) for m in morphs]


@functools.cache
def vector_index() -> dict[tuple[str, str], int]:
    """(form, tag) -> the first (most frequent) id with a vector."""
    index: dict[tuple[str, str], int] = {}
    for i, (form, tag) in enumerate(vector_ids()[1]):
        if form:
            index.setdefault((form, tag), i)
    return index


def _choose(word: str, candidates: list) -> list:
    """Kiwi's best reading of a lone word, except that a word ending in 다 is read as a predicate when it can be."""
    if not candidates:
        return []
    if word.endswith(_FINAL) and len(word) > 1:
        def predicate(tokens) -> bool:
            return (len(tokens) >= 2 and tokens[0].start == 0 and tokens[0].tag.split("-")[0] in _PREDICATES
                    and tokens[-1].form == _FINAL and tokens[-1].tag in ("EF", "EC")
                    and all(t.tag == "EP" for t in tokens[1:-1]))

        readings = [c for c in candidates if predicate(c)]
        main = [c for c in readings if c[0].tag.split("-")[0] in ("VV", "VA")]  # 가다: 가/VV before 가/VX
        if main or readings:
            return (main or readings)[0]
    return candidates[0]


def weight(tag: str) -> float:
    """How much a morpheme counts in its word's vector: :data:`GRAMMAR_WEIGHT` for grammar, 1 for the rest.

    >>> weight("EP"), weight("JKS"), weight("XSN"), weight("NNG"), weight("VA-I")
    (2.5, 2.5, 2.5, 1.0, 1.0)
    """
    return GRAMMAR_WEIGHT if tag[0] in "EJ" or tag.startswith("XS") else 1.0


def compose(morphemes: Morphemes, readings: Sequence[list[tuple[int, str, str]]]) -> np.ndarray:
    """(N, D) unit word vectors of the morpheme view: the weighted sum of each reading's centred morpheme vectors."""
    return _weighted_sum(morphemes.centred, readings)


def compose_contexts(contexts: Contexts, readings: Sequence[list[tuple[int, str, str]]]) -> np.ndarray:
    """(N, D) unit word vectors of the context view: the same sum over the morphemes' context vectors."""
    ids = sorted({i for reading in readings for i, _form, _tag in reading})
    rows = dict(zip(ids, contexts.centred(ids)))
    return _weighted_sum(rows, readings)


def _weighted_sum(rows, readings: Sequence[list[tuple[int, str, str]]]) -> np.ndarray:
    """Σ weight(tag)·rows[id] over each reading (``rows``: an array or a dict by morpheme id), normalized."""
    from seqlab.vectors.pooling import l2_normalize

    dim = next(iter(rows.values())).shape[0] if isinstance(rows, dict) else rows.shape[1]
    out = np.zeros((len(readings), dim), dtype=np.float64)
    for row, reading in enumerate(readings):
        for i, form, tag in reading:
            out[row] += (1.0 if (form, tag) == (_FINAL, "EF") else weight(tag)) * rows[i]
    return l2_normalize(out).astype(np.float32)


def join(morpheme_view: np.ndarray, context_view: np.ndarray) -> np.ndarray:
    """The word vectors: the two (post-processed, unit) views side by side, with
    :data:`CONTEXT_SHARE` of the squared length for the context view; unit rows.

    >>> join(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])).astype(float).round(3).tolist()
    [[0.894, 0.0, 0.0, 0.447]]
    """
    return np.hstack([np.sqrt(1 - CONTEXT_SHARE) * morpheme_view,
                      np.sqrt(CONTEXT_SHARE) * context_view]).astype(np.float32)


def recipe_tag() -> str:
    """A short name of the recipe (version, weights, post-processing) for the cache file: a change rebuilds."""
    import hashlib

    recipe = repr((VERSION, GRAMMAR_WEIGHT, ABTT_DIRECTIONS, CONTEXT_SHARE, ANCHORS, sorted(_ALLOMORPHS.items()),
                   sorted(_CODA.items())))
    return f"v{VERSION}-{hashlib.sha1(recipe.encode()).hexdigest()[:8]}"


def morphemes_path():
    return seqlab_home() / "wordvectors" / f"kiwi-cong-{model_version()}-morphemes.npz"


def load_morphemes(progress: Callable[[int, int], None] | None = None) -> Morphemes:
    """The recovered morpheme vectors, cached in ``$SEQLAB_HOME/wordvectors`` after the first recovery."""
    path = morphemes_path()
    if not path.exists():
        with exclusive(path):  # another process recovering them (a server, a second worker): wait, then read them
            if not path.exists():
                morphemes = recover(progress=progress)
                buffer = io.BytesIO()
                np.savez(buffer, vectors=morphemes.vectors, forms=np.array(morphemes.forms),
                         tags=np.array(morphemes.tags), check_error=np.array(morphemes.check_error))
                atomic_write_bytes(path, buffer.getvalue())
                return morphemes
    with np.load(path, allow_pickle=False) as data:
        return Morphemes(data["vectors"], data["forms"].tolist(), data["tags"].tolist(), float(data["check_error"]))


def pieces(word: str) -> list[str]:
    """The morphemes Kiwi reads a lone word as (``form/TAG``), as the word vectors do: ``갔다`` -> 가/VV 었/EP 다/EF."""
    return [f"{t.form}/{t.tag}" for t in _lone_reading(word)]


def unknown_parts(word: str) -> list[tuple[str, str]]:
    """The parts (form, tag) of a lone ``word`` that Kiwi's model has no vector for: [] when it has all."""
    return [(t.form, t.tag) for t in _lone_reading(word) if t.oov or vector_id(t.form, t.tag, t.id) is None]


def _lone_reading(word: str) -> list:
    return _choose(word, [c for c, _score in kiwi_model().analyze(word, top_n=5)])
