"""A large Unigram tokenizer that starts in milliseconds: pieces are read on demand from an indexed table.

``tokenizers`` builds its Unigram model (a byte trie of every piece) when it loads
``tokenizer.json``: about 0.8 s for e5-small's 250,002 pieces, most of the start-up
of ``seqlab tokenize``. A Unigram segmentation only ever uses pieces that occur in the
text, so :class:`LazyUnigramBackend` keeps the pieces in a SQLite table in seqlab's
cache (written once per ``tokenizer.json``, atomically) and gives ``tokenizers`` a model
that holds, at their own ids, just the pieces that are substrings of the texts
seen so far (and the lowest-scoring piece, which fixes the unknown-character
penalty). Every other id holds a placeholder that no normalized text contains.

The segmentation is therefore the one the full model gives, id for id (tested on
2,000 NSMC reviews and odd inputs against ``Tokenizer.from_file``). Long inputs
(over ``FULL_AFTER`` characters in all), and many calls that keep meeting new
pieces (over ``MAX_REBUILDS``), load the full model once and use it from then on:
there the start-up no longer matters.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import tempfile
import threading
from pathlib import Path

from seqlab.storage import seqlab_home

MIN_PIECES = 50_000  # smaller vocabularies load fast enough as they are
FULL_AFTER = 20_000  # characters tokenized lazily before the full model is loaded
MAX_REBUILDS = 8  # each new set of pieces rebuilds the model (~0.05 s): past this many, the full one is cheaper
PLACEHOLDER = "\uffff"  # a noncharacter: never in normalized text (checked per text)
MIN_BYTES = 2_000_000  # a 50,000-piece Unigram file is larger than this
_TABLE_VERSION = 2
_UNIGRAM = re.compile(rb'"model"\s*:\s*\{\s*"type"\s*:\s*"Unigram"')


def table_path(tokenizer_json: Path) -> Path:
    """The piece table of one ``tokenizer.json``, in seqlab's cache (a model folder is never written to)."""
    key = hashlib.sha1(str(tokenizer_json.resolve()).encode()).hexdigest()[:16]
    return seqlab_home() / "pieces" / f"{key}.sqlite"


def is_large_unigram(tokenizer_json: Path) -> bool:
    """A quick look (no JSON parsing): a file big enough whose model is a Unigram."""
    if tokenizer_json.stat().st_size < MIN_BYTES:
        return False
    return _UNIGRAM.search(tokenizer_json.read_bytes()) is not None


def _stamp(tokenizer_json: Path) -> str:
    st = tokenizer_json.stat()
    return f"{st.st_size}:{st.st_mtime_ns}:{_TABLE_VERSION}"


def build_table(tokenizer_json: Path) -> bool:
    """Write the piece table of a Unigram ``tokenizer.json`` (False when the model is not a large Unigram)."""
    spec = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    model = spec.get("model") or {}
    if model.get("type") != "Unigram" or len(model.get("vocab") or ()) < MIN_PIECES or model.get("byte_fallback"):
        return False
    vocab = model["vocab"]
    from seqlab.i18n import _

    logging.getLogger("seqlab").info(_("preparing the table of {n:,} tokenizer pieces once (a few seconds): {path}")
                                     .format(n=len(vocab), path=table_path(tokenizer_json)))
    # the pipeline around the model (normalizer, pre-tokenizer, post-processor, decoder); added tokens are kept
    # apart: tokenizers resolves their ids against the model it is given, so they are added to the real one
    skeleton = dict(spec, model=dict(model, vocab=[[PLACEHOLDER, 0.0]], unk_id=None), added_tokens=[])
    table = table_path(tokenizer_json)
    table.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=table.parent, prefix=table.stem, suffix=".building")  # unique per process
    os.close(handle)
    tmp = Path(name)
    try:
        db = sqlite3.connect(tmp)
        try:
            with db:
                db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
                db.execute("CREATE TABLE pieces (id INTEGER PRIMARY KEY, piece TEXT, score REAL)")
                db.executemany("INSERT INTO pieces VALUES (?, ?, ?)", ((i, p, s) for i, (p, s) in enumerate(vocab)))
                db.execute("CREATE INDEX by_piece ON pieces (piece)")
                lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
                longest = max(len(p) for p, _s in vocab)
                db.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("stamp", _stamp(tokenizer_json)), ("skeleton", json.dumps(skeleton, ensure_ascii=False)),
                    ("size", str(len(vocab))), ("unk_id", json.dumps(model.get("unk_id"))), ("lowest", str(lowest)),
                    ("added", json.dumps(spec.get("added_tokens") or [], ensure_ascii=False)),
                    ("longest", str(longest))])
        finally:
            db.close()
        os.replace(tmp, table)  # readers see the old table or the whole new one
    finally:
        tmp.unlink(missing_ok=True)
    return True


def open_lazy(tokenizer_json: Path) -> LazyUnigramBackend | None:
    """The lazy backend of ``tokenizer_json`` (building its table when missing or stale), or None when it has none."""
    table = table_path(tokenizer_json)
    try:
        fresh = table.exists() and _read_meta(table).get("stamp") == _stamp(tokenizer_json)
    except sqlite3.Error:
        fresh = False
    if not fresh:
        if not is_large_unigram(tokenizer_json):
            return None
        try:
            if not build_table(tokenizer_json):
                return None
        except (OSError, sqlite3.Error):  # no writable cache: the full model loads instead
            return None
    try:
        return LazyUnigramBackend(tokenizer_json, table)
    except Exception:  # noqa: BLE001 - a table damaged or removed meanwhile: the full model loads instead
        return None


def _read_meta(table: Path) -> dict[str, str]:
    db = sqlite3.connect(f"file:{table}?mode=ro", uri=True)
    try:
        return dict(db.execute("SELECT key, value FROM meta"))
    finally:
        db.close()


class LazyUnigramBackend:
    """The part of ``tokenizers.Tokenizer``'s interface seqlab uses, over a Unigram model loaded piece by piece."""

    def __init__(self, tokenizer_json: Path, table: Path):
        from tokenizers import Tokenizer

        self._path = tokenizer_json
        self._db = sqlite3.connect(f"file:{table}?mode=ro", uri=True, check_same_thread=False)
        meta = dict(self._db.execute("SELECT key, value FROM meta"))
        self._size = int(meta["size"])
        self._unk_id = json.loads(meta["unk_id"])
        self._longest = int(meta["longest"])
        self._pipeline = Tokenizer.from_str(meta["skeleton"])  # everything but the model and the added tokens
        self._added = json.loads(meta["added"])
        self._tok = None  # built with the first pieces (:meth:`_rebuild`)
        self._lock = threading.RLock()
        self._known: dict[int, tuple[str, float]] = {}
        self._lazy_chars = 0
        self._rebuilds = 0
        self._full = None
        ids = {int(meta["lowest"])} | {a["id"] for a in self._added} | ({self._unk_id} if self._unk_id is not None
                                                                         else set())
        self._add(self._rows(f"id IN ({','.join('?' * len(ids))})", sorted(ids)))

    # -- which pieces the model holds ------------------------------------------------------------
    def _rows(self, where: str, params) -> list[tuple[int, str, float]]:
        return list(self._db.execute(f"SELECT id, piece, score FROM pieces WHERE {where}", params))

    def _add(self, rows) -> bool:
        new = [(i, p, s) for i, p, s in rows if i not in self._known]
        for i, p, s in new:
            self._known[i] = (p, s)
        return bool(new)

    def _rebuild(self) -> None:
        from tokenizers import AddedToken, Tokenizer, models

        vocab = [(PLACEHOLDER, 0.0)] * self._size  # score 0 is the highest: the unknown penalty stays the model's
        for i, entry in self._known.items():
            vocab[i] = entry
        model = models.Unigram(vocab, self._unk_id, False)
        if self._tok is not None:
            self._tok.model = model  # the added tokens keep their ids: the model holds them at the same ones
            return
        tok = Tokenizer(model)
        for part in ("normalizer", "pre_tokenizer", "post_processor", "decoder"):
            if getattr(self._pipeline, part) is not None:
                setattr(tok, part, getattr(self._pipeline, part))
        for a in sorted(self._added, key=lambda a: a["id"]):  # in id order, as from_file adds them
            token = AddedToken(a["content"], single_word=a["single_word"], lstrip=a["lstrip"], rstrip=a["rstrip"],
                               normalized=a["normalized"], special=a["special"])
            (tok.add_special_tokens if a["special"] else tok.add_tokens)([token])
            if tok.token_to_id(a["content"]) != a["id"]:  # a file this cannot mirror: use the full model
                self._load_full()
                return
        self._tok = tok

    def _substrings(self, text: str) -> set[str]:
        norm = self._pipeline.normalizer.normalize_str(text) if self._pipeline.normalizer else text
        s = "▁" + norm.replace(" ", "▁")
        n, k = len(s), self._longest
        return {s[i:j] for i in range(n) for j in range(i + 1, min(n, i + k) + 1)}

    def _ensure(self, texts) -> None:
        """Hold every piece the texts can use (or switch to the full model for long inputs)."""
        if self._full is not None:
            return
        size = sum(len(t) for t in texts)
        if self._lazy_chars + size > FULL_AFTER or any(PLACEHOLDER in t for t in texts):
            self._load_full()
            return
        self._lazy_chars += size
        wanted: set[str] = set()
        for t in texts:
            wanted |= self._substrings(t)
        wanted -= {p for p, _s in self._known.values()}
        rows = []
        chunk = sorted(wanted)
        for start in range(0, len(chunk), 900):
            part = chunk[start : start + 900]
            rows += self._rows(f"piece IN ({','.join('?' * len(part))})", part)
        if self._add(rows) or self._tok is None:
            self._rebuilds += 1
            if self._rebuilds > MAX_REBUILDS:
                self._load_full()
                return
            self._rebuild()

    def load_all(self) -> None:
        """Use the full model from now on (a server, a corpus: everything will be tokenized anyway)."""
        with self._lock:
            if self._full is None:
                self._load_full()

    def _load_full(self) -> None:
        from tokenizers import Tokenizer

        full = Tokenizer.from_file(str(self._path))
        for setting in ("truncation", "padding"):
            if getattr(full, setting) is not None:
                getattr(full, "no_" + setting)()
        self._full = full

    @property
    def _backend(self):
        if self._full is not None:
            return self._full
        if self._tok is None:
            self._rebuild()  # may switch to the full model (an added token it cannot mirror)
        return self._full if self._full is not None else self._tok

    # -- tokenizers.Tokenizer's interface --------------------------------------------------------
    def encode(self, text: str, *args, **kwargs):
        full = self._full
        if full is not None:  # no lock once the full model is in: it serves concurrent callers itself
            return full.encode(text, *args, **kwargs)
        with self._lock:
            self._ensure([text])
            return self._backend.encode(text, *args, **kwargs)

    def encode_batch(self, texts, *args, **kwargs):
        texts = list(texts)
        full = self._full
        if full is not None:
            return full.encode_batch(texts, *args, **kwargs)
        with self._lock:
            self._ensure(texts)
            return self._backend.encode_batch(texts, *args, **kwargs)

    def decode(self, ids, skip_special_tokens: bool = True) -> str:
        with self._lock:
            if self._full is None:
                ids = [int(i) for i in ids]
                missing = sorted({i for i in ids if i not in self._known and 0 <= i < self._size})
                if missing and self._add(self._rows(f"id IN ({','.join('?' * len(missing))})", missing)):
                    self._rebuild()
            return self._backend.decode(ids, skip_special_tokens=skip_special_tokens)

    def token_to_id(self, token: str) -> int | None:
        with self._lock:
            if self._full is not None:
                return self._full.token_to_id(token)
            row = self._db.execute("SELECT id FROM pieces WHERE piece = ? ORDER BY id LIMIT 1", (token,)).fetchone()
            return row[0] if row else None

    def id_to_token(self, i: int) -> str | None:
        with self._lock:
            if self._full is not None:
                return self._full.id_to_token(i)
            row = self._db.execute("SELECT piece FROM pieces WHERE id = ?", (int(i),)).fetchone()
            return row[0] if row else None

    def get_vocab(self, with_added_tokens: bool = True) -> dict[str, int]:
        with self._lock:
            if self._full is None:
                self._load_full()
            return self._full.get_vocab(with_added_tokens=with_added_tokens)

    def get_vocab_size(self, with_added_tokens: bool = True) -> int:
        with self._lock:
            return self._backend.get_vocab_size(with_added_tokens=with_added_tokens)

    def to_str(self) -> str:
        with self._lock:
            if self._full is None:
                self._load_full()
            return self._full.to_str()

    def no_truncation(self) -> None:
        with self._lock:
            self._backend.no_truncation()

    def no_padding(self) -> None:
        with self._lock:
            self._backend.no_padding()

    def __getattr__(self, name):  # normalizer, pre_tokenizer, post_processor, decoder, model, truncation, padding
        if name.startswith("_"):
            raise AttributeError(name)
        with self._lock:
            if self._full is None and self._tok is None:  # the same pipeline objects; the model's type is Unigram
                return getattr(self._pipeline, name)
            return getattr(self._backend, name)
