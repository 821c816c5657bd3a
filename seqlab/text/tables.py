"""Texts out of a file: one per line, one column of a table (TSV, CSV, NSMC's document), or one key of JSON lines.

Every command that reads texts reads them here, the same way for a file and for standard input: NSMC's header is
found without ``text_col``, a table or a JSON-lines file read whole is refused (its ids, labels and keys would become
text), and each text comes with its line in the file.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path

from seqlab.errors import InputError
from seqlab.i18n import _, ngettext
from seqlab.text.reading import iter_lines

NSMC_HEADER = b"id\tdocument\tlabel"
JSONL_SUFFIXES = (".jsonl",)  # JSON lines, one object per line: read by key (text_col), here and in train's data


def has_nsmc_header(source: str | Path) -> bool:
    """Whether a file's first line is NSMC's header (standard input is not looked at: it cannot be read twice)."""
    if str(source) == "-":
        return False
    try:
        with open(source, "rb") as f:
            return f.readline().lstrip(b"\xef\xbb\xbf").rstrip(b"\r\n") == NSMC_HEADER
    except OSError:
        return False  # iter_lines says what is wrong with the file


def refuse_table(source: str | Path, sample: int = 5) -> None:
    """A file whose first lines all have the same two or more tab-separated fields (comma-separated in a ``.csv``) is
    a table, not one text per line: read whole, its ids, labels and header would become text. Refused, with how to
    read its text column. (Standard input is looked at by :func:`iter_texts`, which holds its first lines.)
    """
    if str(source) == "-":
        return
    try:
        with open(source, "rb") as f:
            head = [f.readline() for _k in range(sample)]
    except OSError:
        return  # iter_lines says what is wrong with the file
    if str(source).lower().endswith(JSONL_SUFFIXES):  # read whole, each line's JSON would be the text
        next(_jsonl_texts(source, None, "replace", None), None)  # refused, naming the first object's keys
    check_table(source, head)


def check_table(source: str | Path, head: list[bytes]) -> None:
    """:func:`refuse_table` on the first lines of ``source`` (bytes, as read)."""
    lines = [h.lstrip(b"\xef\xbb\xbf").rstrip(b"\r\n") for h in head if h.strip()]
    name = _("standard input") if str(source) == "-" else source
    if str(source).lower().endswith(".csv"):  # commas are common in text: only a file named .csv is read as CSV
        import csv
        import io

        # parsed together: a quoted field may span lines (a review with a line break); the last row may be cut
        rows = list(csv.reader(io.StringIO(b"\n".join(lines).decode("utf-8", errors="replace"))))
        rows = rows[:-1] if len(rows) > 2 else rows
        widths = {len(row) for row in rows}
        if len(rows) >= 2 and len(widths) == 1 and min(widths) > 1:
            k = text_column(rows)
            raise InputError(_("{source} looks like a table: its first lines all have {n} comma-separated fields "
                               "(the first: {fields}), and a text per line was expected").format(
                source=name, n=len(rows[0]), fields=", ".join(repr(f[:20]) for f in rows[0])),
                (_("Pass text_col={name} where the function takes it (the column with the longest texts), or keep "
                   "only that column, one text per line.").format(name=repr(rows[0][k])) if has_header(rows)
                 else _("Keep only column {k} (the one with the longest texts), one text per line.").format(k=k + 1)),
                cli_hint=_("Pass --text-col {name} where the command has it (the column with the longest texts), or "
                           "keep only that column, one text per line.").format(name=shlex.quote(rows[0][k]))
                if has_header(rows) else None)
    counts = {line.count(b"\t") for line in lines}
    if len(lines) < 2 or len(counts) != 1 or 0 in counts:
        return
    rows = [line.decode("utf-8", errors="replace").split("\t") for line in lines]
    k = text_column(rows)
    keep = _("e.g. cut -f{k} {source} > texts.txt").format(k=k + 1, source=shlex.quote(str(source)))
    raise InputError(_("{source} looks like a table: its first lines all have {n} tab-separated fields (the first: "
                       "{fields}), and a text per line was expected").format(
        source=name, n=len(rows[0]), fields=", ".join(repr(f[:20]) for f in rows[0])),
        _("Pass text_col={name} where the function takes it (the column with the longest texts), or keep only that "
          "column, {keep}").format(name=repr(rows[0][k]), keep=keep) if has_header(rows) else
        _("Keep only column {k} (the one with the longest texts), {keep}").format(k=k + 1, keep=keep),
        cli_hint=_("Pass --text-col {name} where the command has it (the column with the longest texts), or keep only "
                   "that column, {keep}").format(name=shlex.quote(rows[0][k]), keep=keep) if has_header(rows) else None)


def _number(cell: str) -> bool:
    return cell.strip().replace(".", "", 1).lstrip("-").isdigit()


def has_header(rows: list[list[str]]) -> bool:
    """Whether a table's first row names its columns: a column of numbers below a word, or a first cell far shorter
    than the texts below it.

    >>> has_header([["review", "label"], ["정말 재밌어요", "1"]]), has_header([["1", "아 더빙 짜증나네요", "0"], ["2", "재밌다", "1"]])
    (True, False)
    """
    body = rows[1:]
    if not body:
        return False
    for j, name in enumerate(rows[0]):
        if not _number(name) and all(j < len(r) and _number(r[j]) for r in body):
            return True
    k = text_column(rows)
    mean = sum(len(r[k]) for r in body if k < len(r)) / len(body)
    return 2 * len(rows[0][k]) < mean


def text_column(rows: list[list[str]]) -> int:
    """Which column of a table's first rows (a header, then data) holds the text: the longest on average below the
    header, numbers aside (ids, labels).

    >>> text_column([["review", "sentiment"], ["정말 재밌어요", "1"], ["별로", "0"]])
    0
    >>> text_column([["id", "document", "label"], ["9976970", "아 더빙.. 진짜 짜증나네요", "0"]])
    1
    """
    body = rows[1:] or rows

    def score(j: int) -> float:
        cells = [r[j].strip() for r in body if j < len(r)]
        words = [c for c in cells if c and not _number(c)]
        return sum(map(len, words)) / max(len(cells), 1)

    return max(range(len(rows[0])), key=lambda j: (score(j), -j))


def iter_texts(source: str | Path, text_col: str | None = None, errors: str = "strict",
               replaced: list[int] | None = None, skipped: list[int] | None = None) -> Iterator[tuple[int, str]]:
    """Texts of a plain file (one per line), or of one column of a TSV/CSV file with a header.

    ``.csv`` files are parsed as CSV (quoted fields allowed); anything else with
    ``text_col`` is read as tab-separated. Rows without that column are skipped.
    A file that starts with NSMC's header (``id<TAB>document<TAB>label``) is read by its
    ``document`` column even without ``text_col`` (ids and labels are not text), and a note says so.
    ``skipped`` (a list) gets the lines of a JSON-lines file that hold no text under ``text_col``.
    """
    if str(source).lower().endswith(JSONL_SUFFIXES):  # one JSON object per line, as train reads it
        yield from _jsonl_texts(source, text_col, errors, replaced, skipped)
        return
    if text_col is None and has_nsmc_header(source):
        text_col = "document"
        _say_nsmc(source)
    if text_col is None and str(source) == "-":  # standard input, read once: its first lines are held and looked at
        yield from _stdin_texts(errors, replaced)
        return
    if text_col is None:
        refuse_table(source)
        yield from iter_lines(source, errors, replaced)
        return
    yield from _column_texts(source, iter_lines(source, errors, replaced), text_col)


def _say_nsmc(source) -> None:
    """The note that NSMC's document column is read (ids and labels are not text), for a file or standard input."""
    import logging

    logging.getLogger("seqlab").info(_("note: {source} has NSMC's header (id, document, label): reading its "
                                       "document column").format(source=source))


def _column_texts(source: str | Path, lines: Iterator[tuple[int, str]], text_col: str) -> Iterator[tuple[int, str]]:
    """One column of a table's lines (from its header line on): a ``.csv`` as CSV, anything else tab-separated."""
    import csv

    is_csv = str(source).lower().endswith(".csv")
    # each line with its line break back: a quoted CSV field that spans lines keeps its break ("여러 줄⏎리뷰" read as
    # "여러 줄리뷰" when the lines were joined bare), and reader.line_num counts the file's lines
    rows = csv.reader((t + "\n" for _k, t in lines), delimiter="," if is_csv else "\t",
                      quoting=csv.QUOTE_MINIMAL if is_csv else csv.QUOTE_NONE)
    header = next(rows, None)
    if header is None:
        return
    if text_col not in header and len(header) == 1:  # one field: a text per line, its first text no header
        sep, first = _("comma") if is_csv else _("tab"), header[0] if len(header[0]) <= 60 else header[0][:59] + "…"
        raise InputError(_("{source} is not a table: its first line has no {sep}, so it has no header with a column "
                           "{text_col!r} (it reads: {first})").format(source=source, sep=sep, text_col=text_col,
                                                                     first=first),
                         _("Leave text_col out to read one text per line, or give a TSV/CSV file with a header."),
                         cli_hint=_("Leave --text-col out to read one text per line, or give a TSV/CSV file with a "
                                    "header."))
    if text_col not in header:
        raise InputError(_("{source} has no column {text_col!r}; its header is {header}")
                         .format(source=source, text_col=text_col, header=header),
                         _("Give text_col one of the header's names."),
                         cli_hint=_("Pass --text-col with one of the header's names."))
    col = header.index(text_col)
    number = rows.line_num + 1  # the file line a row starts on (a row with a line break in a field spans two)
    for row in rows:
        if col < len(row):
            yield number, row[col]
        number = rows.line_num + 1


def _stdin_texts(errors: str, replaced: list[int] | None) -> Iterator[tuple[int, str]]:
    """Standard input's texts, one per line, as a file's are: NSMC piped in (``cat train.tsv |``) is read by its
    document column, and another table is refused, from its first lines (it cannot be read twice)."""
    import itertools

    lines = iter_lines("-", errors, replaced)
    head = list(itertools.islice(lines, 5))
    if head and head[0][1].lstrip("\ufeff").encode("utf-8") == NSMC_HEADER:
        _say_nsmc(_("standard input"))
        yield from _column_texts("-", itertools.chain(head, lines), "document")  # as a file's: blank rows skipped
        return
    check_table("-", [line.encode("utf-8") for _k, line in head])
    yield from itertools.chain(head, lines)


def _jsonl_texts(source: str | Path, text_col: str | None, errors: str,
                 replaced: list[int] | None, skipped_out: list[int] | None = None) -> Iterator[tuple[int, str]]:
    """The ``text_col`` key of each object of a JSON-lines file, as ``train`` reads it: a line that is not an object
    with a text under that key is skipped, and said (train counts it as a bad row); a file where no object has the
    key is refused, naming the keys there are."""
    import json

    keys, found, skipped = None, False, []
    for number, line in iter_lines(source, errors, replaced):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            obj = None
        if not isinstance(obj, dict):
            skipped.append(number)
            continue
        if keys is None:
            keys = list(obj)
            if text_col is None:
                raise InputError(_("{source} holds JSON objects; its first one's keys are {keys}").format(
                    source=source, keys=keys), _("Give text_col with the key of the texts."),
                    cli_hint=_("Pass --text-col with the key of the texts."))
        if isinstance(obj.get(text_col), str):
            found = True
            yield number, obj[text_col]
        else:  # no such key, or null, a number, a list: no text to read
            skipped.append(number)
    if keys is None and skipped:  # not one object: not JSON lines at all (a text file named .jsonl, say)
        raise InputError(_("no line of {source} is a JSON object").format(source=source),
                         _("Give one JSON object per line."))
    if keys is not None and not found:  # as a table without the column: named, with the keys there are
        raise InputError(_("no object of {source} has a text under the key {key!r}; the first one's keys are "
                           "{keys}").format(source=source, key=text_col, keys=keys),
                         _("Give text_col with the key of the texts."),
                         cli_hint=_("Pass --text-col with the key of the texts."))
    if skipped_out is not None:
        skipped_out.extend(skipped)
    if skipped:
        say_skipped_objects(source, text_col, len(skipped), skipped)


def say_skipped_objects(source, key: str, n: int, lines: list[int]) -> None:
    """The note that ``n`` lines of a JSON-lines file hold no text under ``key`` (the first ten of ``lines`` named),
    said each time the file is read, from the file or from a cache of its texts."""
    import logging

    logging.getLogger("seqlab").info(ngettext(
        "note: {n:,} line of {source} is not a JSON object with a text under {key!r}: skipped (line {lines})",
        "note: {n:,} lines of {source} are not JSON objects with a text under {key!r}: skipped (lines {lines})",
        n).format(n=n, source=source, key=key, lines=", ".join(map(str, lines[:10])) + (" …" if n > 10 else "")))
