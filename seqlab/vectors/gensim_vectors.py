"""Word vectors trained elsewhere: a file saved by gensim (``seqlab wordvec train``) or in word2vec's format.

They answer ``neighbors``, ``analogy``, ``plot`` and ``wordvec eval`` through ``--vectors``, and start a
classifier's embedding (``train --embedding FILE``), as :class:`~seqlab.vectors.word_set.WordVectors`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from seqlab.errors import DamagedFile, InputError, check_path
from seqlab.i18n import _, ngettext
from seqlab.text.reading import file_error, refuse_stdin
from seqlab.vectors.pooling import l2_normalize
from seqlab.vectors.word_set import WordVectors
from seqlab.vectors.wordvec_training import TEXT_FORMATS as WORD2VEC_SUFFIXES

GENSIM_SUFFIXES = (".model", ".kv")  # gensim's own format (a pickle, with .npy arrays beside it when large)


def _format_suffix(path: Path) -> str:
    """``.vec`` for cc.ko.300.vec.gz too (gensim reads word2vec files gzipped)."""
    suffixes = [s.lower() for s in path.suffixes]
    return suffixes[-2] if len(suffixes) > 1 and suffixes[-1] == ".gz" else path.suffix.lower()


class UnreadableVectors(DamagedFile):
    """A word-vector file gensim could not read, with the cause in the user's words where it is known; gensim's own
    words stay in ``detail``."""

    def __init__(self, path: Path, header: list[bytes], exc: Exception):
        name, text = type(exc).__name__, str(exc)
        if "broadcast" in text:  # a row with another number of values than the header's dimensions
            cause = _("a row has another number of values than the {dim} dimensions its first line says").format(
                dim=header[1].decode() if len(header) == 2 else "?")
        elif name == "EOFError" or "unexpected end" in text:
            cause = _("the file ends before the {n} words its first line says").format(
                n=header[0].decode() if len(header) == 2 else "?")
        elif name in ("UnpicklingError", "PickleError") or "pickle" in text.lower() or "load key" in text:
            cause = _("it is not a file saved by gensim")
        elif name == "UnicodeDecodeError":
            cause = _("it is not UTF-8 text")
        else:
            cause = _("gensim cannot read it ({name})").format(name=name)
        super().__init__(_("cannot read word vectors from {path}: {cause}").format(path=path, cause=cause),
                         _("Give a file saved by gensim (.model/.kv) or in word2vec format (.txt/.vec/.bin)."),
                         reason=f"{name}: {text}")


def _check_rows(path: Path, kv, text: bool) -> None:
    """Refuse rows that are not a direction: a NaN or infinite value, or all zeros (a cosine with them is undefined,
    and they were left out of neighbours, or tied at 0, with nothing said)."""
    bad = ~np.isfinite(kv.vectors).all(axis=1) | ~(np.abs(kv.vectors) > 0).any(axis=1)
    if not bad.any():
        return
    rows = np.flatnonzero(bad)
    shown = ", ".join((_("{word!r} (line {line})").format(word=kv.index_to_key[i], line=i + 2) if text else
                       repr(kv.index_to_key[i])) for i in rows[:5])
    raise InputError(ngettext("{path}: {n:,} vector is not a direction (a NaN or infinite value, or all zeros): "
                              "{shown}{more}",
                              "{path}: {n:,} vectors are not directions (a NaN or infinite value, or all zeros): "
                              "{shown}{more}", len(rows)).format(path=path, n=len(rows), shown=shown,
                                                                 more=" …" if len(rows) > 5 else ""),
                     _("Fix or remove those rows (and lower the word count on the first line to match)."))


def declared_width(path: str | Path) -> int | None:
    """The dimensions a word2vec file's first line declares ("<words> <dimensions>"), read without loading the file,
    so that a width that cannot fit is refused before minutes of work; None for gensim's own files (a pickle, read
    whole) or a first line that is not two numbers (:func:`from_gensim` says what is wrong with it)."""
    import gzip

    path = Path(path)
    if _format_suffix(path) not in WORD2VEC_SUFFIXES:
        return None
    try:
        with (gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")) as f:
            header = f.readline(200).split()
    except (OSError, EOFError):
        return None
    return int(header[1]) if len(header) == 2 and all(w.isdigit() for w in header) else None


def from_gensim(path: str | Path) -> WordVectors:
    """Vectors saved by gensim: a ``.model``/``.kv`` file (gensim's own format) or word2vec text/binary.

    gensim's own format is a pickle: load only files you made or trust.
    """
    from gensim.models import KeyedVectors

    path = check_path("path", path)
    refuse_stdin(path, _("a word-vector file"))
    if not path.exists():
        raise InputError(_("vectors file not found: {path}").format(path=path),
                         _("Train some with train_word_vectors (seqlab.vectors.wordvec_training)."),
                         cli_hint=_("Train some with: seqlab wordvec train"))
    what = _("a word-vector file")
    suffix = _format_suffix(path)
    if suffix not in GENSIM_SUFFIXES + WORD2VEC_SUFFIXES and not path.is_dir():
        # gensim's own files are pickles, which run code when loaded: only a file named as one is read as one
        raise InputError(_("{path}: seqlab reads word vectors from gensim files (.model, .kv) or word2vec files "
                           "(.txt, .vec, .bin), not from a {suffix} file").format(
                               path=path, suffix=path.suffix or _("extensionless")),
                         _("Give a file saved by gensim (.model/.kv) or in word2vec format (.txt/.vec/.bin)."))
    try:
        with path.open("rb") as f:
            first = f.readline(200)
    except OSError as exc:
        raise file_error(path, exc, what) from None
    header = first.split()
    if suffix in WORD2VEC_SUFFIXES and not path.suffix.lower() == ".gz" and not (len(header) == 2 and all(w.isdigit() for w in header)):
        raise InputError(  # word2vec's first line is "<words> <dimensions>", in text and binary files alike
            _("{path} is not in word2vec format: its first line should be two numbers, the words and the dimensions "
              "(e.g. 30000 100); it is {line!r}").format(
                path=path, line=first.decode("utf-8", errors="replace").rstrip("\r\n")[:60]),
            _("Give a file saved by gensim (.model/.kv) or in word2vec format (.txt/.vec/.bin)."))
    try:
        if suffix in (".txt", ".vec"):
            kv = KeyedVectors.load_word2vec_format(str(path), binary=False)
        elif suffix == ".bin":
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
        raise UnreadableVectors(path, header, exc) from None
    _check_rows(path, kv, suffix in (".txt", ".vec"))
    vectors = l2_normalize(kv.vectors.astype(np.float32))
    missing = None
    if hasattr(kv, "buckets_word") or type(kv).__name__ == "FastTextKeyedVectors":
        def missing(words: list[str]) -> np.ndarray:  # FastText builds vectors for unseen words from n-grams
            return np.stack([kv.get_vector(w) for w in words]).astype(np.float32)
    return WordVectors(list(kv.index_to_key), vectors, f"{path.name} ({type(kv).__name__})", missing,
                       embeds_oov=missing is not None)
