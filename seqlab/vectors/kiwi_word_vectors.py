"""Kiwi's word vectors, the default source of ``seqlab neighbors``, ``analogy`` and ``plot``: built once over the
Korean words of the default vocabulary from Kiwi's own morpheme vectors (:mod:`seqlab.vectors.kiwi_vectors`), cached
in ``$SEQLAB_HOME/wordvectors``."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np

from seqlab.i18n import _
from seqlab.notes import say_note
from seqlab.progress import new_phase
from seqlab.storage import atomic_write_bytes, exclusive, seqlab_home
from seqlab.vectors.all_but_the_top import AllButTheTop
from seqlab.vectors.all_but_the_top import fit as fit_all_but_the_top
from seqlab.vectors.word_input import (
    SOURCE_SUFFIX,
    UnknownWord,
    unknown_parts,
)
from seqlab.vectors.word_set import KOREAN_WORDS, WordVectors


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
