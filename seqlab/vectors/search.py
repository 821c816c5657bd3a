"""Top-k semantic search over a corpus file; its index is built once, saved, and reused.

The index is the corpus job's output (``seqlab.read_embeddings``) stored under
``$SEQLAB_HOME/index/<sha256 of the file>-<model>``, so building it is resumable
and a second search of the same file starts at once. e5 queries get
``"query: "`` and corpus lines ``"passage: "``, as the model card prescribes.

A table (a TSV/CSV file with a header, NSMC's included) is searched by one column: its texts are written once,
one per line, to ``$SEQLAB_HOME/index/<sha256>-col-<column>/texts.txt`` with the line of the file each came from
(``rows.json``), and that file is indexed; a hit names its line in the table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from seqlab.display import Displayable
from seqlab.errors import InputError, check_number, check_path
from seqlab.i18n import _
from seqlab.storage import exclusive, seqlab_home, sha256_file
from seqlab.text.reading import check_text_file, raw_lines
from seqlab.text.tables import has_nsmc_header
from seqlab.vectors.corpus_job import (
    CorpusJobConfig,
    column_texts,
    embed_corpus,
    has_text,
    load_manifest,
    read_embeddings,
    slug,
)


@dataclass(frozen=True)
class Hit:
    """One answer of a search: its rank, its cosine to the query, its line in the corpus and its text."""

    rank: int
    score: float  # cosine
    line: int  # 1-based line number in the corpus file
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(repr=False)  # Displayable's short repr
class SearchResult(Displayable):
    """``seqlab search``: the hits, and what they must be read with (lines not valid UTF-8, blank lines, texts past
    the model's window; :func:`seqlab.render.vectors.search_notes` words them)."""

    query: str
    model: str
    corpus: str
    index: str
    built: bool  # False when an existing index was reused
    hits: list[Hit]
    bad_lines: int = 0  # corpus lines that are not valid UTF-8: read with U+FFFD for the bad bytes (the index says so)
    k: int = 0  # hits asked for; fewer come when the corpus has fewer text lines
    empty_lines: int = 0  # blank corpus lines: indexed (rows follow lines) but never an answer
    truncated_lines: int = 0  # corpus lines longer than the model's window: only their first tokens are indexed
    query_dropped: int = 0  # tokens of the query past the window, not read
    max_length: int | None = None  # the model's window
    text_col: str | None = None  # a table's column searched (NSMC: document); None for a file of one text per line
    skipped_lines: int = 0  # JSON lines with no text under text_col: never indexed

    def to_dict(self) -> dict:
        return {"query": self.query, "model": self.model, "corpus": self.corpus, "index": self.index,
                "index_built": self.built, "text_col": self.text_col, "bad_lines": self.bad_lines, "k": self.k,
                "empty_lines": self.empty_lines, "skipped_lines": self.skipped_lines,
                "truncated_lines": self.truncated_lines,
                "query_dropped": self.query_dropped, "max_length": self.max_length,
                "hits": [h.to_dict() for h in self.hits]}


def index_dir(corpus: Path, model: str, text_col: str | None = None, digest: str | None = None) -> Path:
    """Where the index of ``corpus`` (of its column ``text_col``) by ``model`` is kept (``digest``: the file's
    SHA-256, when known)."""
    column = f"-col-{slug(text_col)}" if text_col else ""
    return seqlab_home() / "index" / f"{(digest or sha256_file(corpus))[:20]}{column}-{slug(model)}"


def shard_size(lines: int) -> int:
    """Lines per shard of a new index: about a twentieth of the file, 100 to 10,000. The corpus job reports its
    progress once a shard is done; with its own 10,000-line shards a 5,000-line file said nothing between 0 % and
    100 % for minutes."""
    return max(100, min(10_000, -(-lines // 20)))


def _config(where: Path, model: str, lines: int) -> CorpusJobConfig:
    """The settings of the index begun or built in ``where`` (an older one keeps its own shard size), else new ones."""
    manifest = load_manifest(where)
    if manifest and isinstance(manifest.get("config"), dict):
        known = {f.name for f in fields(CorpusJobConfig)}
        return CorpusJobConfig(**{k: v for k, v in manifest["config"].items() if k in known})
    return CorpusJobConfig(model=model, shard_size=shard_size(lines))


def _lines(path: Path, wanted: set[int]) -> dict[int, str]:
    """The texts of the ``wanted`` lines of the file that was indexed, as the index read them."""
    found = {}
    with path.open("rb") as f:
        for line in raw_lines(f):
            if line.number in wanted:
                found[line.number] = line.body.decode("utf-8", errors="replace")
                if len(found) == len(wanted):
                    break
    return found


def _no_text_lines(corpus) -> InputError:
    return InputError(_("{corpus} has no text lines to search").format(corpus=corpus),
                      _("Give a file with one text per line."))


def search(query: str, corpus: str | Path, model: str | None = None, k: int = 10,
           progress: Callable[[int, int], None] | None = None, errors: str = "strict",
           text_col: str | None = None) -> SearchResult:
    """The ``k`` corpus lines with the highest cosine to ``query``.

    ``errors``: ``strict`` stops at a line that is not valid UTF-8 (as every command reads files by default);
    ``replace`` indexes it with U+FFFD and counts it in ``bad_lines``.
    ``text_col``: the column of the text in a TSV/CSV file with a header; a file that starts with NSMC's header is
    read by its ``document`` column without it. The header is never a text.
    ``progress(lines done, lines)``: while the index is built (after each part of it, about every twentieth).

    >>> search("배우 연기", "nsmc.tsv", k=2).hits[0].line  # doctest: +SKIP
    """
    from seqlab.text.unicode import require_text
    from seqlab.tokens.record import model_window
    from seqlab.vectors.corpus_shards import count_lines
    from seqlab.vectors.encoder import load_encoder, window_records

    check_number("k", k, 1, whole=True)
    require_text(query, _("the query"))  # a blank query had hits, as the CLI never did
    corpus = check_text_file(check_path("corpus", corpus), _("a corpus file"))  # before the encoder loads
    if text_col is None and has_nsmc_header(corpus):
        text_col = "document"  # NSMC: ids and labels are not text, and its header is no text either
    digest = sha256_file(corpus)
    indexed, rows = (corpus, None) if text_col is None else column_texts(corpus, text_col, errors, digest)
    if not has_text(indexed):  # said now, not after the model has loaded and indexed every blank line
        raise _no_text_lines(corpus)
    enc = load_encoder(model)
    where = index_dir(corpus, enc.name, text_col, digest)
    manifest = load_manifest(where)
    built = not (manifest and manifest.get("complete"))
    # a finished index is checked (the corpus read as errors says) and read without a lock (a read-only home); one
    # to build waits for another process indexing the same corpus, then finds its index
    with exclusive(where) if built else contextlib.nullcontext():
        if built:
            manifest = load_manifest(where)
            built = not (manifest and manifest.get("complete"))
        embed_corpus(indexed, where, _config(where, enc.name, count_lines(indexed)),
                     progress=progress if built else None, errors=errors)
    matrix = read_embeddings(where, mmap=True)
    q = enc.sentence_vectors([query], prefix=enc.default_prefix("query"))[0]
    query_dropped = window_records(enc.name, [query], enc.default_prefix("query"))[0].dropped
    scores = np.asarray(matrix @ q)
    hits: list[Hit] = []
    order = np.argsort(-scores, kind="stable")
    start, chunk = 0, k
    while len(hits) < k and start < len(order):  # blank lines have rows (rows follow lines) but are no answer
        chosen = [int(i) for i in order[start : start + chunk]]
        texts = _lines(indexed, {i + 1 for i in chosen})
        for i in chosen:
            text = texts.get(i + 1, "")
            if text.strip() and len(hits) < k:  # a table's row i is its text's line; a plain file's, line i + 1
                hits.append(Hit(len(hits) + 1, float(scores[i]), rows["lines"][i] if rows else i + 1, text))
        start, chunk = start + chunk, chunk * 2
    if not hits:
        raise _no_text_lines(corpus)
    manifest = load_manifest(where) or {}
    bad, empty = (rows["bad_lines"], rows["empty_lines"]) if rows else (manifest.get("bad_line_count", 0),
                                                                         manifest.get("empty_lines", 0))
    return SearchResult(query, enc.name, str(corpus), str(where), built, hits, bad, k, empty,
                        manifest.get("truncated_lines", 0), query_dropped, model_window(enc.tokenizer), text_col,
                        rows["skipped_lines"] if rows else 0)
