"""Embed a corpus file of any size into float32 ``.npy`` shards, resumably.

``seqlab embed -f corpus.txt --out DIR`` reads the file as a stream of lines,
cuts it into shards of ``shard_size`` lines, embeds each shard 1,000 texts at a
time (sorted by length inside those, so batches carry little padding, and put back
in file order), and writes ``shard-00000.npy``... atomically, then records the
shard in ``manifest.json`` (also written atomically). Memory holds one shard at a
time, and freed memory goes back to the OS after every 1,000 texts: resident
memory stays flat over a 1M-line file (docs/benchmarks.md).

Killed at any moment and started again with the same command, the job reads
the manifest, seeks to the byte where the last finished shard ended and goes
on. A shard is computed from its own lines only, so the result is bit-for-bit
what an uninterrupted run writes: no lost rows, no duplicates, same order.

Every line becomes one row, so row ``i`` is line ``i + 1``. Lines that are not
valid UTF-8 are embedded with U+FFFD in place of the bad bytes and listed in
the manifest (``bad_lines``); empty lines are embedded as empty texts and counted.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from seqlab.display import Displayable
from seqlab.errors import DamagedFile, InputError, UsageError, check_choice, check_number, check_path, json_problem
from seqlab.i18n import _, ngettext
from seqlab.storage import (
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
    remove_temporaries,
    seqlab_home,
    sha256_file,
)
from seqlab.text.reading import os_reason
from seqlab.text.tables import has_nsmc_header, iter_texts, say_skipped_objects
from seqlab.text.unicode import check_errors_mode
from seqlab.tokens.prefixes import prefix_text
from seqlab.vectors.corpus_shards import CorpusJobConfig, count_lines, embed_shard, npy_bytes, read_shards

MANIFEST = "manifest.json"
FORMAT = "seqlab-embeddings"
ENGINES = ("local", "ray")  # one process, or a Ray cluster's workers
_BAD_LINES_KEPT = 100


@dataclass(repr=False)  # Displayable's short repr
class CorpusResult(Displayable):
    """What :func:`embed_corpus` wrote: rows and shards under ``out`` (``seqlab.read_embeddings(out)`` loads them)."""

    out: Path
    rows: int
    shards: int
    bad_lines: int
    empty_lines: int
    resumed_from: int  # rows already done when this run started
    seconds: float
    truncated_lines: int = 0  # lines longer than the model's window: only their first tokens were read
    max_length: int | None = None  # that window
    text_col: str | None = None  # a table's column: its non-blank texts are the rows (manifest "table" has their lines)
    skipped_lines: int = 0  # JSON lines with no text under text_col: no row (their numbers are in the manifest)

    def to_dict(self) -> dict:
        return {**asdict(self), "out": str(self.out)}


def _source_identity(path: Path) -> dict:
    return {"path": str(path.resolve()), "size": path.stat().st_size, "sha256": sha256_file(path)}


def _check_paths(source: Path, out: Path) -> None:
    """The input must be a text file, and ``out`` a folder that is neither the input nor an existing file."""
    _check_out(source, out)
    _check_source(source)


def _check_out(source: Path, out: Path) -> None:
    if out.exists() and not out.is_dir():
        same = source.exists() and out.resolve() == source.resolve()
        what = _("the input file itself") if same else _("an existing file")
        raise InputError(_("the out folder {out} is {what}: the corpus job writes a folder of shards there")
                         .format(out=out, what=what),
                         _("Give a new folder as out, e.g. \"corpus-vectors/\" (nothing was written)."), option="out",
                         cli_hint=_("Give a new folder, e.g. --out corpus-vectors/ (nothing was written)."))


def _shown(value) -> str:
    """A setting's value as a person reads it: text in quotes ('passage: '), numbers and booleans as they are."""
    return repr(value) if isinstance(value, str) else str(value)


def _check_source(source: Path) -> None:
    from seqlab.text.reading import check_text_file
    from seqlab.text.tables import refuse_table

    check_text_file(source, _("a corpus file"))
    if not has_nsmc_header(source):  # NSMC is read by its document column; another table would embed ids and labels
        refuse_table(source)
        if not has_text(source):  # blank lines only: as many vectors of an empty passage, which read as data
            raise InputError(ngettext("{files} holds no text (no lines, or only blank ones)",
                                      "{files} hold no text (no lines, or only blank ones)", 1).format(files=source),
                             _("Give a file with one text per line."))


def has_text(path) -> bool:
    """Whether a line of ``path`` has a character that shows (it stops at the first one: at once for a real corpus)."""
    from seqlab.text.unicode import has_visible

    with open(path, "rb") as f:
        return any(has_visible(line.decode("utf-8", errors="replace")) for line in f)


def slug(name: str) -> str:
    """A name made safe for a folder name (a column "리뷰 본문" -> "리뷰_본문")."""
    return re.sub(r"[^\w.-]+", "_", name)


def column_texts(corpus: Path, text_col: str, errors: str, digest: str) -> tuple[Path, dict]:
    """The texts of a table's column, one per line, written once beside the indexes (they do not depend on the
    model), and ``{"lines": the table's line of each, "empty_lines", "bad_lines"}``. Blank texts are left out (never
    an answer); a tab or a line break inside a CSV field becomes a space, so that one text stays one line."""
    folder = seqlab_home() / "index" / f"{digest[:20]}-col-{slug(text_col)}"
    texts, rows = folder / "texts.txt", folder / "rows.json"
    if texts.exists() and rows.exists():
        try:
            meta = json.loads(rows.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = None  # damaged: written again below
        # "a b" and "a_b" share a folder name: a cache of another column is written again; strict: read again,
        # to stop at the bad line
        if meta and meta.get("text_col") == text_col and not (errors == "strict" and meta.get("bad_lines")) \
                and "skipped_lines" in meta:  # a cache from before skipped lines were kept: written again
            if meta["skipped_lines"]:  # said at every read, as reading the file says it (it was said once)
                say_skipped_objects(corpus, text_col, meta["skipped_lines"], meta["skipped_line_numbers"])
            return texts, meta
    replaced: list[int] = []
    skipped: list[int] = []  # JSON lines without a text under the key
    kept, lines, empty = [], [], 0
    for number, text in iter_texts(corpus, text_col, errors, replaced, skipped):
        if not text.strip():
            empty += 1
            continue
        kept.append(re.sub(r"[\t\r\n\v\f\x1c-\x1e\x85\u2028\u2029]", " ", text))
        lines.append(number)
    if not kept:
        raise InputError(_("{corpus} has no text in its column {text_col!r} to search").format(corpus=corpus,
                                                                                              text_col=text_col),
                         _("Give text_col the column that holds the texts."),
                         cli_hint=_("Give --text-col the column that holds the texts."))
    meta = {"source": str(corpus), "text_col": text_col, "lines": lines, "empty_lines": empty,
            "bad_lines": len(replaced), "skipped_lines": len(skipped), "skipped_line_numbers": skipped[:100]}
    atomic_write_text(texts, "".join(t + "\n" for t in kept))
    atomic_write_json(rows, meta)  # last: a folder without it is written again
    return texts, meta


def load_manifest(out: Path) -> dict | None:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise DamagedFile(_("{manifest} is unreadable: {exc}").format(
            manifest=out / MANIFEST, exc=json_problem(exc) if isinstance(exc, ValueError) else os_reason(exc)),
            _("If {out} is a folder of this job, move it aside and run again with a new folder as out.").format(out=out),
            reason=f"{type(exc).__name__}: {exc}",
            cli_hint=_("If {out} is a folder of this job, move it aside and run again with a new --out folder.").format(
                out=out)) from None


ShardEmbedder = Callable[[list[list[str]]], list[np.ndarray]]


def embed_corpus(source: str | Path, out: str | Path, config: CorpusJobConfig | None = None,
                 engine: str = "local", workers: int | None = None, device: str = "auto",
                 progress: Callable[[int, int], None] | None = None, errors: str = "strict",
                 text_col: str | None = None) -> CorpusResult:
    """Run (or resume) the corpus job.

    Args:
        source: a UTF-8 text file, one text per line (or a TSV/CSV table with ``text_col``).
        out: the output directory (created; must be empty or hold this very job).
        config: what to compute; a resumed run must use the same settings.
        engine: ``local`` or ``ray`` (Ray Data, one task per shard).
        workers: Ray workers (default: every CPU).
        progress: ``progress(lines done, lines in the file)`` before the first shard (a resumed job
            starts above 0) and after every shard.
        errors: ``strict`` (the default, as every reader of seqlab) reads the whole file first and stops at the
            first line that is not valid UTF-8, before anything is written; ``replace`` embeds such a line with U+FFFD
            and lists it in the manifest.
        text_col: the column of a TSV/CSV file with a header to embed. Its non-blank texts are the rows (row ``i``
            is then not line ``i + 1``): the manifest's ``table`` says the file, the column and each row's line.
    """
    source, out = check_path("source", source), check_path("out", out)
    config = config or CorpusJobConfig()
    check_number("batch_size", config.batch_size, 1, 4096, whole=True)  # 0 ended in range()'s ValueError
    check_number("shard_size", config.shard_size, 1, 1_000_000, whole=True)  # 0 was written in the manifest
    if text_col is None and source.is_file() and has_nsmc_header(source):
        import logging

        # NSMC: ids and labels are not text, and its header is none either: read as with text_col="document" (its
        # header was an empty row 1 here, and not with text_col, as search reads it)
        logging.getLogger("seqlab").info(_("note: {source} has NSMC's header (id, document, label): embedding its "
                                           "document column").format(
            source=source.name))
        text_col = "document"
    if text_col is not None:
        return _embed_column(source, out, config, text_col, engine, workers, device, progress, errors)
    from seqlab.tokens.record import model_window
    from seqlab.vectors.encoder import default_prefix, load_encoder, window_records

    _check_paths(source, out)
    errors = check_errors_mode(errors)
    engine = check_choice("engine", engine, ENGINES, hint=_("Use engine=\"local\" or engine=\"ray\"."),
                          cli_hint=_("Use --engine local or --engine ray."))
    started = time.perf_counter()
    identity = _source_identity(source)
    manifest = load_manifest(out)
    read_clean = bool(manifest and manifest.get("complete") and not manifest.get("bad_line_count")
                      and (manifest.get("source") or {}).get("sha256") == identity["sha256"])
    if errors == "strict" and not read_clean:  # one pass over the bytes (seconds for millions of lines): stop
        from seqlab.text.reading import iter_lines  # before any shard; a finished index of these bytes, all UTF-8,

        for _line in iter_lines(source, "strict"):  # needs none (search() comes here at every query)
            pass
    # one truth in the manifest: the prefix actually used ("query" is e5's "query: ", as everywhere)
    config = replace(config, prefix=default_prefix(config.model, "passage") if config.prefix is None
                     else prefix_text(config.prefix))
    settings = asdict(config)
    if manifest is None:
        if out.exists() and any(out.iterdir()):
            raise UsageError(_("{out} is not empty and holds no seqlab manifest").format(out=out),
                             _("Give a new or empty folder as out; seqlab never overwrites other files."),
                             cli_hint=_("Give a new or empty folder with --out; seqlab never overwrites other files."))
        manifest = {"format": FORMAT, "version": 1, "complete": False, "source": identity, "config": settings,
                    "rows": 0, "dim": None, "shards": [], "bad_lines": [], "bad_line_count": 0, "empty_lines": 0}
    else:
        if manifest.get("format") != FORMAT:
            raise InputError(_("{manifest} is not a seqlab embeddings manifest").format(manifest=out / MANIFEST))
        if manifest["source"]["sha256"] != identity["sha256"] or manifest["source"]["size"] != identity["size"]:
            earlier = Path(manifest["source"].get("path", ""))
            if earlier.name and earlier != Path(identity["path"]):  # another file, not this one changed
                # the folder does not fit the arguments (as other settings do, or a folder of other files): usage
                raise UsageError(_("{out} holds the embeddings of another file, {earlier}").format(
                    out=out, earlier=earlier), _("Give a new folder as out for {name}.").format(name=source.name),
                    cli_hint=_("Give a new --out folder for {name}.").format(name=source.name))
            raise InputError(_("{out} holds embeddings of a different version of {name}")
                             .format(out=out, name=source.name),
                             _("The file changed since that run; use a new folder as out."),
                             cli_hint=_("The file changed since that run; use a new --out folder."))
        if manifest["config"] != settings:
            changed = sorted(k for k in settings if manifest["config"].get(k) != settings[k])
            # each one with both values ("shard_size" alone told neither what the folder holds nor what to give)
            changes = "; ".join(_("{name}: {saved} there, {given} now").format(
                name=k, saved=_shown(manifest["config"].get(k)), given=_shown(settings[k])) for k in changed)
            # the changes before the folder: the command line renames the first mention of each setting, which in
            # a path ("runs/model/out") is no setting at all
            raise UsageError(_("other settings than the run in the folder: {changes} (folder: {out})").format(
                changes=changes, out=out),
                             _("Run again with the same config to resume, or use a new folder as out."),
                             option=tuple(changed),  # the command line says its own option names (--shard-size)
                             cli_hint=_("Run again with the same options to resume, or use a new --out folder."))
    done_rows = manifest["rows"]
    total = count_lines(source)
    if progress:
        progress(done_rows, total)
    if manifest["complete"]:
        return _result(out, manifest, done_rows, started)

    remove_temporaries(out)  # what a killed run left half-written
    encoder = load_encoder(config.model, device)
    prefix = config.prefix
    manifest["dim"] = encoder.hidden_size
    manifest["max_length"] = model_window(encoder.tokenizer)

    def embed_local(group: list[list[str]]) -> list[np.ndarray]:
        done = [manifest["rows"]]  # the lines of the shards already written, then this shard's batches

        def step(n: int) -> None:
            done[0] += n
            progress(done[0], total)

        return [embed_shard(encoder, texts, config, prefix, step if progress else None) for texts in group]

    if engine == "ray":
        from seqlab.vectors.corpus_ray import ray_embedder

        embed_group, group_size = ray_embedder(config, prefix, workers)
    else:
        embed_group, group_size = embed_local, 1

    last = manifest["shards"][-1] if manifest["shards"] else None
    stream = read_shards(source, last["byte_end"] if last else 0, (last["first_line"] + last["rows"]) if last else 1,
                     len(manifest["shards"]), config.shard_size)
    while True:
        group = [s for _k, s in zip(range(group_size), stream)]
        if not group:
            break
        arrays = embed_group([s.texts for s in group])
        for shard, vectors in zip(group, arrays):
            # lines the model read only the start of (said, never silent), counted on the same tokens it read. A
            # token holds at least one byte and a character at most 4, so shorter lines cannot reach the window:
            # only the others are tokenized again (a second pass over every line cost 4 % of the job)
            longer = [t for t in shard.texts if 4 * len((prefix or "") + t) + 2 > manifest["max_length"]]
            truncated = sum(r.dropped > 0 for r in window_records(config.model, longer, prefix))
            name = f"shard-{shard.index:05d}.npy"
            atomic_write_bytes(out / name, npy_bytes(vectors))
            manifest["shards"].append({"file": name, "first_line": shard.first_line, "rows": len(shard.texts),
                                       "byte_start": shard.byte_start, "byte_end": shard.byte_end,
                                       "bad_lines": len(shard.bad), "empty_lines": shard.empty,
                                       "truncated_lines": truncated})
            manifest["rows"] += len(shard.texts)
            manifest["bad_line_count"] += len(shard.bad)
            manifest["bad_lines"] = (manifest["bad_lines"] + shard.bad)[:_BAD_LINES_KEPT]
            manifest["empty_lines"] += shard.empty
            manifest["truncated_lines"] = manifest.get("truncated_lines", 0) + truncated
            atomic_write_json(out / MANIFEST, manifest)  # the shard counts as done from here on
            if progress:
                progress(manifest["rows"], total)
    manifest["complete"] = True
    atomic_write_json(out / MANIFEST, manifest)
    return _result(out, manifest, done_rows, started)


def _embed_column(source: Path, out: Path, config: CorpusJobConfig, text_col: str, engine: str, workers, device,
                  progress, errors: str) -> CorpusResult:
    """The corpus job over one column of a table: its texts are written once, one per line (as search indexes a
    column), the job runs over them, and the manifest's ``table`` maps each row back to its line in ``source``."""
    from seqlab.text.reading import check_text_file

    _check_out(source, out)
    check_text_file(source, _("a corpus file"))
    errors = check_errors_mode(errors)
    texts, rows = column_texts(source, text_col, errors, sha256_file(source))
    earlier = load_manifest(out)
    if earlier and (earlier.get("source") or {}).get("sha256") not in (None, sha256_file(texts)):
        # said with the user's files: the job below reads the column's texts from seqlab's cache, whose path the
        # message named ("…/index/af82…-col-document/texts.txt")
        table = earlier.get("table") or {}
        other = Path((table.get("source") or earlier["source"]).get("path", ""))
        if table.get("text_col") not in (None, text_col):  # the same table, another column: a setting, named
            raise UsageError(_("other settings than the run in the folder: {changes} (folder: {out})").format(
                changes=_("{name}: {saved} there, {given} now").format(name="text_col", saved=repr(table["text_col"]),
                                                                      given=repr(text_col)), out=out),
                _("Run again with the same config to resume, or use a new folder as out."), option=("text_col",),
                cli_hint=_("Run again with the same options to resume, or use a new --out folder."))
        if other.name and other.resolve() == source.resolve():  # this very file, changed since
            raise InputError(_("{out} holds embeddings of a different version of {name}").format(out=out,
                                                                                                 name=source.name),
                             _("The file changed since that run; use a new folder as out."),
                             cli_hint=_("The file changed since that run; use a new --out folder."))
        raise UsageError(_("{out} holds the embeddings of another file, {earlier}").format(out=out, earlier=other),
                         _("Give a new folder as out for {name}.").format(name=source.name),
                         cli_hint=_("Give a new --out folder for {name}.").format(name=source.name))
    result = embed_corpus(texts, out, config, engine, workers, device, progress, errors)
    manifest = load_manifest(out)
    manifest["table"] = {"source": _source_identity(source), "text_col": text_col, "lines": rows["lines"],
                         "empty_lines": rows["empty_lines"], "bad_lines": rows["bad_lines"],
                         "skipped_lines": rows["skipped_lines"], "skipped_line_numbers": rows["skipped_line_numbers"]}
    atomic_write_json(out / MANIFEST, manifest)
    return replace(result, bad_lines=rows["bad_lines"], empty_lines=rows["empty_lines"], text_col=text_col,
                   skipped_lines=rows["skipped_lines"])


def _result(out: Path, manifest: dict, resumed_from: int, started: float) -> CorpusResult:
    return CorpusResult(out, manifest["rows"], len(manifest["shards"]), manifest["bad_line_count"],
                        manifest["empty_lines"], resumed_from, time.perf_counter() - started,
                        manifest.get("truncated_lines", 0), manifest.get("max_length"))


def read_embeddings(directory: str | Path, mmap: bool = False) -> np.ndarray:
    """The corpus job's output as one (N, H) float32 array, row ``i`` = line ``i + 1`` (a table's column: row ``i`` =
    the manifest's ``table["lines"][i]``).

    Args:
        directory: the ``--out`` folder of ``seqlab embed -f FILE --out DIR``.
        mmap: memory-map the shards instead of reading them (for corpora larger than memory,
            this returns the concatenation, so prefer iterating shards yourself then).
    """
    directory = check_path("directory", directory)
    if directory.is_file():  # the corpus itself, or a vectors file: said as such, not as a damaged job's folder
        raise InputError(_("{directory} is a file: read_embeddings reads the folder an embedding job wrote")
                         .format(directory=directory),
                         _("Give the folder of embed_corpus(\"corpus.txt\", DIR), or on the command line: seqlab "
                           "embed -f corpus.txt --out DIR"))
    manifest = load_manifest(directory)
    if manifest is None or manifest.get("format") != FORMAT:
        raise InputError(_("{directory} holds no seqlab embeddings (no {MANIFEST})")
                         .format(directory=directory, MANIFEST=MANIFEST),
                         _("Create them with embed_corpus(\"corpus.txt\", DIR), or on the command line: seqlab embed -f "
                           "corpus.txt --out DIR"))
    if not manifest["complete"]:
        raise InputError(_("{directory} is incomplete: {rows} rows so far").format(directory=directory,
                                                                                   rows=manifest['rows']),
                         _("Run the same embed_corpus call (or seqlab embed command) again to resume it."))
    parts = []
    for shard in manifest["shards"]:
        array = np.load(directory / shard["file"], mmap_mode="r" if mmap else None, allow_pickle=False)
        if array.shape != (shard["rows"], manifest["dim"]):
            raise InputError(_("{file} has shape {shape}, the manifest says ({rows}, {dim})")
                             .format(file=shard['file'], shape=array.shape, rows=shard['rows'],
                                     dim=manifest['dim']), _("The folder was modified; embed again."))
        parts.append(array)
    if not parts:
        return np.zeros((0, manifest["dim"] or 0), dtype=np.float32)
    return np.concatenate(parts)
