"""Word vectors: neighbours and analogies (``왕 - 남자 + 여자 ≈ 여왕``).

Three sources behind one interface:

- **Kiwi** (the default, ``kiwi``): the morpheme and context vectors of Kiwi's language model, recovered from its
  cosines and composed into words (:mod:`seqlab.vectors.kiwi_vectors`); built once (about a minute) and cached;
- **from a transformer** (``e5-small``, ``minilm``): each word of a real vocabulary (wordfreq's Korean and English
  words, Korean verbs and adjectives in their dictionary and past forms: :mod:`seqlab.vectors.word_list`) run through
  the transformer alone, its vector read out of chosen layers (:mod:`seqlab.vectors.static_vectors`), then
  post-processed (:mod:`seqlab.vectors.all_but_the_top`); built once and cached;
- **trained**: Word2Vec/FastText vectors saved by gensim (``--vectors PATH``).

Analogies rank every word by 3CosMul or 3CosAdd (:mod:`seqlab.vectors.analogy`) and leave the input words out. A word
outside the vocabulary is refused as unknown, naming the pieces the model reads it as; with ``embed_oov=True`` a word
made of known pieces is embedded on the fly instead, and the result says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from seqlab.errors import InputError, NoVectors, UsageError, canonical, check_number
from seqlab.i18n import _
from seqlab.notes import say_note
from seqlab.pretrained.registry import embedded_names
from seqlab.progress import new_phase
from seqlab.storage import atomic_write_bytes, exclusive, seqlab_home
from seqlab.text.unicode import conjoining_spellings
from seqlab.vectors.all_but_the_top import AllButTheTop
from seqlab.vectors.all_but_the_top import fit as fit_all_but_the_top
from seqlab.vectors.analogy import DEFAULT_METHOD, METHODS, scores
from seqlab.vectors.pooling import l2_normalize
from seqlab.vectors.static_vectors import Recipe
from seqlab.vectors.word_input import (
    SOURCE_SUFFIX,
    UnknownWord,
    analogy_words,
    check_word,
    each_word,
    parse_expression,
    piece_readers,
    unknown_parts,
)
from seqlab.vectors.word_results import AnalogyResult, Neighbor, NeighborsResult

VOCAB_VERSION = 3  # 3: + root + 하다 predicates; 2: Kiwi dictionary/past forms, the word alone at layers 6-12, mean removed (1: "query: " + mean)
KOREAN_WORDS, ENGLISH_WORDS = 30_000, 20_000
RECIPE = Recipe(prefix="", layers=(6, 7, 8, 9, 10, 11, 12), pieces_only=False, abtt=0)  # chosen on a development list
# of analogies apart from the shipped set (docs/benchmarks.md, "Word analogies")
DEFAULT_WORD_VECTORS = "kiwi"  # the best on the development list (docs/benchmarks.md); e5-small/minilm on request


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

    def _rank(self, query: np.ndarray, exclude: Sequence[str], k: int) -> list[Neighbor]:
        return self._top(self.vectors @ (query / max(float(np.linalg.norm(query)), 1e-12)), exclude, k)

    def neighbors(self, word: str, k: int = 10, embed_oov: bool | None = None) -> NeighborsResult:
        """The ``k`` words with the highest cosine to ``word`` (itself excluded).

        A word outside the vocabulary is refused as unknown (:class:`UnknownWord`) unless ``embed_oov``
        (None: the vectors' own policy, :attr:`embeds_oov`).
        """
        check_number("k", k, 1, whole=True)
        word = self.stored(check_word(word))
        in_vocabulary = word in self.index
        return NeighborsResult(word, self.source, self._rank(self.vector(word, embed_oov), [word], k), in_vocabulary,
                               k, self.reading(word))

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
        return AnalogyResult.written(given_pos, given_neg, results, self.source, method, oov, k)

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


def model_vectors_path(model: str, korean: int | None = None, english: int | None = None,
                       recipe: Recipe = RECIPE) -> Path:
    slug = re.sub(r"[^\w.-]+", "_", model)
    korean, english = korean or KOREAN_WORDS, ENGLISH_WORDS if english is None else english
    size = "" if (korean, english) == (KOREAN_WORDS, ENGLISH_WORDS) else f"-ko{korean}-en{english}"
    tag = "" if recipe == RECIPE else "-" + hashlib.sha1(repr(recipe).encode()).hexdigest()[:8]
    return seqlab_home() / "wordvectors" / f"{slug}-wordfreq{size}{tag}-v{VOCAB_VERSION}.npz"


def from_model(model: str | None = None, progress: Callable[[int, int], None] | None = None,
               korean: int | None = None, english: int | None = None, recipe: Recipe = RECIPE) -> WordVectors:
    """Word vectors over a real vocabulary (cached after the first build): Kiwi's, or read out of a transformer.

    Args:
        model: ``kiwi`` (the default, :func:`from_kiwi`) or an HF model name (e5-small, minilm).
        progress: called as ``progress(done, total)`` while embedding the words.
        korean, english: how many of wordfreq's most frequent entries to take (default 30,000 and 20,000);
            Korean verbs and adjectives come in their dictionary and past forms (:mod:`seqlab.vectors.word_list`).
        recipe: how each word's vector is read out of the model (default :data:`RECIPE`).
    """
    from seqlab.vectors.encoder import load_encoder
    from seqlab.vectors.static_vectors import embed_words
    from seqlab.vectors.word_list import default_word_list

    if progress is None and not is_built(model, korean, english):  # a bar says it where one is given (the CLI)
        say_note(_("building {name}'s word vectors once (a minute or more), then cached").format(
            name=model or DEFAULT_WORD_VECTORS))
    if word_vector_kind(model) == "kiwi":
        return from_kiwi(progress, korean)
    enc = load_encoder(model)
    recipe = recipe.for_depth(enc.num_layers)  # MiniLM has 6 layers
    korean, english = korean or KOREAN_WORDS, ENGLISH_WORDS if english is None else english
    path = model_vectors_path(enc.name, korean, english, recipe)
    source = f"{enc.name}{SOURCE_SUFFIX}"
    post: list[AllButTheTop] = []

    def embed(words: list[str]) -> np.ndarray:
        vectors = embed_words(enc, words, recipe)
        return post[0].apply(vectors) if post else vectors

    unknown_chars, pieces = piece_readers(enc.tokenizer)

    def read_cache() -> WordVectors:
        with np.load(path, allow_pickle=False) as data:
            if "mean" in data:
                post.append(AllButTheTop(data["mean"], data["directions"]))
            return WordVectors(data["words"].tolist(), data["vectors"], source, embed, unknown_chars, pieces)

    def build() -> WordVectors:
        new_phase(progress, _("reading the word list with Kiwi"))
        words = default_word_list(korean, english, progress).words
        new_phase(progress, _("embedding words"))
        done = [0]

        def step(n: int) -> None:
            done[0] += n
            if progress:
                progress(done[0], len(words))

        if progress:
            progress(0, len(words))
        vectors = embed_words(enc, words, recipe, progress=step)
        arrays = {"words": np.array(words)}
        if recipe.abtt >= 0:
            post.append(fit_all_but_the_top(vectors, recipe.abtt))
            vectors = post[0].apply(vectors)
            arrays.update(mean=post[0].mean, directions=post[0].directions)
        buffer = io.BytesIO()
        np.savez(buffer, vectors=vectors.astype(np.float32), recipe=np.array(repr(recipe)), **arrays)
        atomic_write_bytes(path, buffer.getvalue())
        return WordVectors(words, vectors, source, embed, unknown_chars, pieces)

    if path.exists():
        return read_cache()
    with exclusive(path):  # another process building them (a server, a second worker): wait, then read its file
        return read_cache() if path.exists() else build()


def word_vector_kind(model: str | None) -> str:
    """``kiwi`` or ``hf``: which kind of word vectors ``model`` names (None: :data:`DEFAULT_WORD_VECTORS`).

    Raises :class:`~seqlab.errors.NoVectors` for a tokenizer-only model (char, whitespace): the one check of the
    library and of every word-vector command.
    """
    from seqlab.pretrained.registry import resolve

    spec = resolve(model or DEFAULT_WORD_VECTORS)
    if spec.kind in ("kiwi", "hf"):
        return spec.kind
    raise NoVectors(_("{model} has no word vectors").format(model=spec.name),
                    _("Use model=\"kiwi\" (the default), \"e5-small\" or \"minilm\"."),
                    cli_hint=_("Use --model kiwi (the default), e5-small or minilm."))


def kiwi_vectors_path(korean: int | None = None) -> Path:
    from seqlab.vectors import kiwi_vectors

    korean = korean or KOREAN_WORDS
    size = "" if korean == KOREAN_WORDS else f"-ko{korean}"
    return seqlab_home() / "wordvectors" / (f"kiwi-cong-{kiwi_vectors.model_version()}-wordfreq{size}"
                                            f"-{kiwi_vectors.recipe_tag()}.npz")


def from_kiwi(progress: Callable[[int, int], None] | None = None, korean: int | None = None) -> WordVectors:
    """Kiwi's word vectors over the Korean words of the default vocabulary (:mod:`seqlab.vectors.kiwi_vectors`).

    The first build recovers Kiwi's morpheme vectors (``progress(done, total)`` over its morphemes, about
    10 to 15 s), reads the word list, recovers the context vectors of the morphemes it uses (about 7 s),
    then composes every word; the result is cached.
    """
    from seqlab.vectors import kiwi_vectors as kv
    from seqlab.vectors.word_list import default_word_list

    korean = korean or KOREAN_WORDS
    path = kiwi_vectors_path(korean)
    source = f"Kiwi{SOURCE_SUFFIX}"
    loaded: dict = {}  # the recovered morpheme vectors and the context recovery, made on first need
    post: list[AllButTheTop] = []  # all-but-the-top of the morpheme view, then of the context view

    def morphemes(progress_=None):
        if "morphemes" not in loaded:
            loaded["morphemes"] = kv.load_morphemes(progress_)
        return loaded["morphemes"]

    def contexts():
        if "contexts" not in loaded:
            loaded["contexts"] = kv.Contexts()
        return loaded["contexts"]

    def views(readings) -> tuple[np.ndarray, np.ndarray]:
        return kv.compose(morphemes(), readings), kv.compose_contexts(contexts(), readings)

    def embed(words: list[str]) -> np.ndarray:
        readings = kv.read_words(words)
        missing = [w for w, r in zip(words, readings) if r is None]
        if missing:
            raise UnknownWord(missing[0], source, 0, kv.pieces(missing[0]), unknown_parts(missing[0]), morphemes=True)
        morpheme_view, context_view = views(readings)
        return kv.join(post[0].apply(morpheme_view), post[1].apply(context_view))

    def finish(words: list[str], vectors: np.ndarray, candidates: int, read: list[str] | None) -> WordVectors:
        return WordVectors(words, vectors, source, embed, unknown_parts, kv.pieces, morphemes=True, candidates=candidates,
                           readings=read)

    def read_cache() -> WordVectors:
        with np.load(path, allow_pickle=False) as data:
            post.append(AllButTheTop(data["mean"], data["directions"]))
            post.append(AllButTheTop(data["context_mean"], data["context_directions"]))
            return finish(data["words"].tolist(), data["vectors"], int(data["candidates"]), data["readings"].tolist())

    def build() -> WordVectors:
        new_phase(progress, _("recovering Kiwi's morpheme vectors"))
        morphemes_ready = morphemes(progress)
        new_phase(progress, _("reading the word list with Kiwi"))
        candidates = default_word_list(korean, 0, progress).words
        new_phase(progress, _("reading each word's morphemes"))
        words, readings = [], []
        for start in range(0, len(candidates), 2000):
            chunk = candidates[start : start + 2000]
            for word, reading in zip(chunk, kv.read_words(chunk)):
                if reading is not None and kv.is_word(reading):  # no part without a vector, not a bare ending
                    words.append(word)
                    readings.append(reading)
            if progress:
                progress(start + len(chunk), len(candidates))
        new_phase(progress, _("recovering Kiwi's context vectors"))
        contexts().centred(sorted({i for reading in readings for i, _form, _tag in reading}), progress)
        new_phase(progress, _("composing the words and writing the cache"), _("steps"))
        if progress:
            progress(0, 2)
        morpheme_view, context_view = views(readings)
        read = [" ".join(f"{form}/{tag}" for _i, form, tag in reading) for reading in readings]
        post.append(fit_all_but_the_top(morpheme_view, kv.ABTT_DIRECTIONS))
        post.append(fit_all_but_the_top(context_view, kv.ABTT_DIRECTIONS))
        vectors = kv.join(post[0].apply(morpheme_view), post[1].apply(context_view))
        if progress:
            progress(1, 2)
        buffer = io.BytesIO()
        np.savez(buffer, words=np.array(words), vectors=vectors, mean=post[0].mean, directions=post[0].directions,
                 context_mean=post[1].mean, context_directions=post[1].directions, candidates=np.array(len(candidates)),
                 readings=np.array(read),
                 morpheme_check_error=np.array(morphemes_ready.check_error),
                 context_check_error=np.array(contexts().check_error))
        atomic_write_bytes(path, buffer.getvalue())
        remove_stale_kiwi_caches(korean)
        if progress:
            progress(2, 2)
        return finish(words, vectors, len(candidates), read)

    if path.exists():
        return read_cache()
    with exclusive(path):  # another process building them (a server, a second worker): wait, then read its file
        return read_cache() if path.exists() else build()


def remove_stale_kiwi_caches(korean: int | None = None) -> list[Path]:
    """Remove and say Kiwi's caches of older recipes (an upgrade's leftovers, 100s of MB), after every build."""
    current = kiwi_vectors_path(korean)
    size = current.name.split("-wordfreq")[1].split("-v")[0]  # "" or "-ko3000": the same vocabulary size only
    stale = sorted(p for p in current.parent.glob(f"kiwi-cong-*-wordfreq{size}-v*.npz") if p != current)
    for path in stale:
        with contextlib.suppress(OSError):  # another process removed it first: nothing left to say
            mb = path.stat().st_size / 1e6
            path.unlink()
            say_note(_("removed {path} ({mb:.0f} MB): the cache of an older recipe").format(path=path, mb=mb))
    return stale


def refuse_unknown_pieces(words: Sequence[str], model: str | None = None) -> None:
    """Refuse a word the model reads with ``<unk>`` pieces before any word vector is built (the tokenizer alone).

    >>> refuse_unknown_pieces(["뷁궯"])  # doctest: +SKIP
    UnknownWord: '뷁궯' is unknown to e5-small word vectors: the model reads it as the pieces ▁ <unk> ...
    """
    from seqlab.pretrained.loading import load_tokenizer
    from seqlab.pretrained.registry import resolve

    words = [check_word(word) for word in words]
    if word_vector_kind(model) == "kiwi":
        from seqlab.vectors import kiwi_vectors as kv

        unknown_of, pieces_of, source, morphemes = unknown_parts, kv.pieces, f"Kiwi{SOURCE_SUFFIX}", True
    else:
        spec = resolve(model)
        if spec.kind != "hf":
            return
        from seqlab.vectors.encoder import check_encoder

        check_encoder(spec)  # a folder with a tokenizer alone is said for what it is, before its pieces are read
        unknown_of, pieces_of = piece_readers(load_tokenizer(spec.name))
        source, morphemes = f"{spec.name}{SOURCE_SUFFIX}", False

    def refuse(word: str) -> None:
        unknown = unknown_of(word)
        if unknown:
            raise UnknownWord(word, source, 0, pieces_of(word), unknown, morphemes=morphemes)

    each_word(words, refuse)  # every unknown word named at once


def is_built(model: str | None = None, korean: int | None = None, english: int | None = None) -> bool:
    """Whether the word vectors of ``model`` (None: the default, Kiwi's) are cached (else the first use builds them)."""
    from seqlab.pretrained.registry import resolve

    if word_vector_kind(model) == "kiwi":
        return kiwi_vectors_path(korean).exists()
    spec = resolve(model)
    try:
        import json

        from seqlab.pretrained.install import hf_directory

        config = json.loads((Path(hf_directory(spec)) / "config.json").read_text(encoding="utf-8"))
        recipe = RECIPE.for_depth(int(config["num_hidden_layers"]))
    except Exception:  # noqa: BLE001  a model not on this machine yet: the build will say what is missing
        return False
    return model_vectors_path(spec.name, korean, english, recipe).exists()

