"""Top-k semantic search over a corpus file; its index is built once, saved, and reused.

The index is the corpus job's output (``seqlab.read_embeddings``) stored under
``$SEQLAB_HOME/index/<sha256 of the file>-<model>``, so building it is resumable
and a second search of the same file starts at once. e5 queries get
``"query: "`` and corpus lines ``"passage: "``, as the model card prescribes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from seqlab.display import Displayable
from seqlab.errors import InputError, check_number
from seqlab.i18n import _
from seqlab.storage import seqlab_home, sha256_file
from seqlab.text.reading import check_text_file, has_nsmc_header, nsmc_document, raw_lines
from seqlab.vectors.corpus_job import CorpusJobConfig, embed_corpus, load_manifest, read_embeddings


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float  # cosine
    line: int  # 1-based line number in the corpus file
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SearchResult(Displayable):
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

    def to_dict(self) -> dict:
        return {"query": self.query, "model": self.model, "corpus": self.corpus, "index": self.index,
                "index_built": self.built, "bad_lines": self.bad_lines, "k": self.k, "empty_lines": self.empty_lines,
                "truncated_lines": self.truncated_lines, "query_dropped": self.query_dropped,
                "max_length": self.max_length, "hits": [h.to_dict() for h in self.hits]}


def index_dir(corpus: Path, model: str) -> Path:
    slug = re.sub(r"[^\w.-]+", "_", model)
    return seqlab_home() / "index" / f"{sha256_file(corpus)[:20]}-{slug}"


def _lines(corpus: Path, wanted: set[int]) -> dict[int, str]:
    """The texts of the ``wanted`` lines, as the index read them (an NSMC file: the document field)."""
    found, nsmc = {}, has_nsmc_header(corpus)
    with corpus.open("rb") as f:
        for line in raw_lines(f):
            if line.number in wanted:
                text = line.body.decode("utf-8", errors="replace")
                found[line.number] = nsmc_document(line.number, text) if nsmc else text
                if len(found) == len(wanted):
                    break
    return found


def search(query: str, corpus: str | Path, model: str | None = None, k: int = 10,
           progress: Callable[[int, int], None] | None = None, errors: str = "replace") -> SearchResult:
    """The ``k`` corpus lines with the highest cosine to ``query``.

    ``errors``: ``strict`` stops at a line that is not valid UTF-8 (as every command reads files by default);
    ``replace`` indexes it with U+FFFD and counts it in ``bad_lines``.
    """
    from seqlab.tokens.record import model_window
    from seqlab.vectors.encoder import load_encoder, window_records

    check_number("k", k, 1, whole=True)
    corpus = check_text_file(corpus, _("a corpus file"))  # before the encoder loads
    enc = load_encoder(model)
    where = index_dir(corpus, enc.name)
    manifest = load_manifest(where)
    built = not (manifest and manifest.get("complete"))
    embed_corpus(corpus, where, CorpusJobConfig(model=enc.name), progress=progress if built else None, errors=errors)
    matrix = read_embeddings(where, mmap=True)
    q = enc.sentence_vectors([query], prefix=enc.default_prefix("query"))[0]
    query_dropped = window_records(enc.name, [query], enc.default_prefix("query"))[0].dropped
    scores = np.asarray(matrix @ q)
    hits: list[Hit] = []
    order = np.argsort(-scores, kind="stable")
    start, chunk = 0, k
    while len(hits) < k and start < len(order):  # blank lines have rows (rows follow lines) but are no answer
        rows = [int(i) for i in order[start : start + chunk]]
        texts = _lines(corpus, {i + 1 for i in rows})
        for i in rows:
            text = texts.get(i + 1, "")
            if text.strip() and len(hits) < k:
                hits.append(Hit(len(hits) + 1, float(scores[i]), i + 1, text))
        start, chunk = start + chunk, chunk * 2
    if not hits:
        raise InputError(_("{corpus} has no text lines to search").format(corpus=corpus),
                         _("Give a file with one text per line."))
    manifest = load_manifest(where) or {}
    return SearchResult(query, enc.name, str(corpus), str(where), built, hits, manifest.get("bad_line_count", 0), k,
                        manifest.get("empty_lines", 0), manifest.get("truncated_lines", 0), query_dropped,
                        model_window(enc.tokenizer))
