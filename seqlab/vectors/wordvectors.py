"""Word vectors: neighbours and analogies (``왕 - 남자 + 여자 ≈ 여왕``).

Three sources behind one interface (:class:`~seqlab.vectors.word_set.WordVectors`), each named by its model here
(:func:`from_model`):

- **Kiwi** (the default, ``kiwi``): the morpheme and context vectors of Kiwi's language model, recovered from its
  cosines and composed into words (:mod:`seqlab.vectors.kiwi_vectors`, :mod:`seqlab.vectors.kiwi_word_vectors`);
  built once (about a minute) and cached;
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

import hashlib
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from seqlab.errors import NoVectors
from seqlab.i18n import _
from seqlab.notes import say_note
from seqlab.progress import new_phase
from seqlab.storage import atomic_write_bytes, exclusive, seqlab_home
from seqlab.vectors.all_but_the_top import AllButTheTop
from seqlab.vectors.all_but_the_top import fit as fit_all_but_the_top
from seqlab.vectors.static_vectors import Recipe
from seqlab.vectors.word_input import (
    SOURCE_SUFFIX,
    UnknownWord,
    check_word,
    each_word,
    piece_readers,
    unknown_parts,
)
from seqlab.vectors.word_set import ENGLISH_WORDS, KOREAN_WORDS, WordVectors

VOCAB_VERSION = 3  # 3: + root + 하다 predicates; 2: Kiwi dictionary/past forms, the word alone at layers 6-12, mean removed (1: "query: " + mean)
RECIPE = Recipe(prefix="", layers=(6, 7, 8, 9, 10, 11, 12), pieces_only=False, abtt=0)  # chosen on a development list
# of analogies apart from the shipped set (docs/benchmarks.md, "Word analogies")
DEFAULT_WORD_VECTORS = "kiwi"  # the best on the development list (docs/benchmarks.md); e5-small/minilm on request


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
        model: ``kiwi`` (the default, :func:`~seqlab.vectors.kiwi_word_vectors.from_kiwi`) or an HF model name (e5-small, minilm).
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
        from seqlab.vectors.kiwi_word_vectors import from_kiwi

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
        from seqlab.vectors.kiwi_word_vectors import kiwi_vectors_path

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

