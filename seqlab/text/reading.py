"""Reading text from files and stdin: one text per line, UTF-8, never a traceback.

Bad bytes are reported with the line number and the byte offset, binary files
are refused before any work is done, and ``errors="replace"`` turns undecodable
bytes into U+FFFD for users who would rather go on.
"""

from __future__ import annotations

import errno
import shlex
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from seqlab.errors import InputError, UsageError
from seqlab.i18n import _, ngettext
from seqlab.text.unicode import check_errors_mode

_BINARY_MAGIC = (b"\x89PNG", b"PK\x03\x04", b"%PDF", b"\x7fELF", b"\x1f\x8b", b"GIF8", b"\xff\xd8\xff")
_SNIFF_BYTES = 8192


def _open(source: str | Path, what: str | None = None) -> tuple[BinaryIO, str]:
    if str(source) == "-":
        return sys.stdin.buffer, _("standard input")  # named as every note names it
    path = Path(source)
    if not path.exists():
        raise InputError(_("file not found: {path}").format(path=path),
                         _("Check the path, or use - to read from stdin."))
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "", str(path))
        return path.open("rb"), str(path)
    except OSError as exc:
        raise file_error(path, exc, what or _("a text file")) from None


def os_reason(exc: OSError) -> str:
    """Why the system refused a path or a connection, in the user's language (the OS's own words only for rare
    cases)."""
    reasons = {
        errno.ENOENT: _("it does not exist"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("permission denied"),
        errno.EISDIR: _("it is a folder, not a file"),
        errno.ENOTDIR: _("a part of the path is a file, not a folder"),
        errno.ENOSPC: _("the disk is full"),
        errno.EROFS: _("the file system is read-only"),
        errno.ENAMETOOLONG: _("the name is too long"),
        errno.ECONNREFUSED: _("the connection was refused"),
        errno.ENETUNREACH: _("the network is unreachable"),
        errno.EHOSTUNREACH: _("the host is unreachable"),
        errno.ETIMEDOUT: _("no answer in time"),
        errno.EADDRNOTAVAIL: _("this computer has no such address"),
        errno.ECONNRESET: _("the connection was reset by the other side"),
        errno.EPIPE: _("the other side closed the connection"),
        errno.EMFILE: _("too many files are open at once"),
    }
    if exc.errno is None and isinstance(exc, TimeoutError):  # socket.timeout has no errno
        return _("no answer in time")
    if isinstance(exc, socket.gaierror):  # a host name lookup's own codes: on macOS EAI_AGAIN is 2, as ENOENT
        return {socket.EAI_NONAME: _("the host name is unknown: no network, or DNS cannot find it"),
                socket.EAI_AGAIN: _("the host name could not be looked up: no network, or DNS is not answering"),
                }.get(exc.errno, exc.strerror or str(exc))
    return reasons.get(exc.errno, exc.strerror or str(exc))


def file_error(path: str | Path, exc: OSError, what: str | None = None) -> InputError:
    """An OSError met while reading ``path`` (``what``: "a vocabulary file"), as an InputError that says what to do.

    Every reader of a user's file goes through it, so that a folder, a missing file or a file without read permission
    is worded the same way in every command and language (exit code 1).

    >>> print(file_error("runs", IsADirectoryError(21, "Is a directory"), "a vocabulary file"))
    runs is a folder, not a vocabulary file
    Give the path of the file itself.
    """
    what = what or _("a file")
    if isinstance(exc, FileNotFoundError):
        return InputError(_("file not found: {path}").format(path=path), _("Check the path."))
    if isinstance(exc, IsADirectoryError):
        return InputError(_("{path} is a folder, not {what}").format(path=path, what=what),
                          _("Give the path of the file itself."))
    if isinstance(exc, NotADirectoryError):
        return InputError(_("cannot open {path}: a part of the path is a file, not a folder").format(path=path),
                          _("Check the path."))
    if isinstance(exc, PermissionError):
        return InputError(_("cannot read {path}: permission denied").format(path=path),
                          _("Check its permissions (ls -l), or copy it to a place you can read."))
    return InputError(_("cannot read {path}: {reason}").format(path=path, reason=os_reason(exc)))


def refuse_stdin(path: str | Path, what: str | None = None) -> None:
    """``-`` where a file is read more than once (indexed, resumed, looked up, split): said the same way by every
    command, rather than "file not found: -", as a usage error (exit 2: the argument, not the text, is what cannot
    be used; search said 1 where embed's corpus job said 2)."""
    if str(path) == "-":
        raise UsageError(_("{what} cannot be standard input (-): it is read more than once").format(
            what=what or _("this file")), _("Save it to a file first (e.g. cat > corpus.txt), then give that file."))


def check_text_file(path: str | Path, what: str | None = None) -> Path:
    """``path`` as a readable, non-empty text file, or an InputError that says what it is instead (``-``, which it
    cannot read twice: a UsageError, :func:`refuse_stdin`).

    The one check every command's input file goes through: missing, a folder, empty, binary.
    """
    refuse_stdin(path, what)
    path = Path(path)
    if not path.exists():  # no "use - for stdin" here: see above
        raise InputError(_("file not found: {path}").format(path=path), _("Check the path."))
    stream, name = _open(path, what)
    with stream:
        head = stream.read(_SNIFF_BYTES)
    if not head:
        raise InputError(_("{path} is empty").format(path=path),
                         _("Give {what} with one text per line.").format(what=what or _("a file")))
    refuse_binary(head, name, path)
    return path


def wide_encoding(head: bytes) -> str | None:
    """The encoding when the first bytes of a file are UTF-16 or UTF-32 text (Windows' and Excel's "Unicode text"): by
    its byte-order mark, or, without one, by NUL bytes beside readable text ("UTF-16LE" or "UTF-16BE", which iconv
    needs said); else None. A file with a binary signature, or whose text would hold NUL characters, is not text.

    >>> wide_encoding("가나다 abc".encode("utf-16")), wide_encoding("정말 좋다\\n".encode("utf-16-le")), wide_encoding(b"abc")
    ('UTF-16', 'UTF-16LE', None)
    """
    if head.startswith(_BINARY_MAGIC):
        return None
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    if head.count(b"\x00") < max(1, len(head) // 16):  # UTF-16 has a NUL beside each space and Latin letter
        return None
    for codec, name in (("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")):
        try:
            text = head[: len(head) // 2 * 2].decode(codec)
        except UnicodeDecodeError:
            continue
        if not text or "\x00" in text:  # a NUL character: numbers or code, not text
            continue
        readable = sum(c.isprintable() or c in "\r\n\t" for c in text) >= 0.95 * len(text)
        plain = sum(" " <= c <= "~" or c in "\r\n\t" for c in text) / len(text)  # spaces, digits, line ends
        if readable and plain >= 0.1:
            return name
    return None


def refuse_binary(head: bytes, name: str, path: str | Path | None = None) -> None:
    """Refuse a file whose first bytes are not UTF-8 text: UTF-16/32 text with the command that converts it (``path``:
    the file to name in it; None for standard input), and anything else as a binary file (NUL bytes, or the signature
    of an image, archive or program)."""
    wide = wide_encoding(head)
    if wide:
        raise InputError(_("{name} is {encoding} text, not UTF-8").format(name=name, encoding=wide),
                         _("Convert it first, e.g.: iconv -f {encoding} -t UTF-8 {name} > converted.txt").format(
                             encoding=wide, name=shlex.quote(str(path)) if path is not None else "FILE"))
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        raise InputError(
            _("{name} looks like a binary file, not text (it contains NUL bytes or a binary signature)").format(name=name),
            _("seqlab reads UTF-8 text with one text per line."),
        )


class RawLine(NamedTuple):
    number: int  # 1-based
    body: bytes  # the line without its ending (\\n, \\r\\n) and, on line 1, without a UTF-8 byte-order mark
    start: int  # byte offset of ``body`` in the file
    end: int  # byte offset just after the line's ending


def raw_lines(stream: BinaryIO, first_number: int = 1, offset: int = 0) -> Iterator[RawLine]:
    """Each line of a binary stream with its byte offsets: the one line splitter every reader uses.

    >>> import io
    >>> [tuple(x) for x in raw_lines(io.BytesIO(b"\\xef\\xbb\\xbfab\\r\\nc"))]
    [(1, b'ab', 3, 7), (2, b'c', 7, 8)]
    """
    for number, raw in enumerate(stream, start=first_number):
        body, start = raw.rstrip(b"\r\n"), offset
        if number == 1 and body.startswith(b"\xef\xbb\xbf"):
            body, start = body[3:], offset + 3
        offset += len(raw)
        yield RawLine(number, body, start, offset)


def iter_lines(source: str | Path, errors: str = "strict",
               replaced: list[int] | None = None, errors_option: bool = True) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` for each line of a UTF-8 file (``"-"`` is stdin).

    Line endings (``\\n``, ``\\r\\n``) and a leading byte-order mark are removed.
    The file is streamed, so any size works.

    Args:
        source: a path, or ``"-"`` for standard input.
        errors: ``"strict"`` raises :class:`InputError` naming the line and byte
            offset of the first invalid byte; ``"replace"`` substitutes U+FFFD.
        replaced: with ``"replace"``, collects the numbers of the lines that needed it (in the same pass).
        errors_option: whether the command reading it has ``--errors`` (its hint is offered only then).
    """
    errors = check_errors_mode(errors)
    stream, name = _open(source)
    try:
        head = stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES] if hasattr(stream, "peek") else b""
        refuse_binary(head, name, None if str(source) == "-" else source)
        for line in raw_lines(stream):
            try:
                text = line.body.decode("utf-8")
            except UnicodeDecodeError as exc:
                if errors == "replace":
                    text = line.body.decode("utf-8", errors="replace")
                    if replaced is not None:
                        replaced.append(line.number)
                    yield line.number, text
                    continue
                raise InputError(
                    _("{name}: line {number} is not valid UTF-8: byte 0x{byte:02X} at byte offset {offset} of the "
                      "file (column {column} of the line)").format(
                        name=name, number=line.number, byte=line.body[exc.start], offset=line.start + exc.start,
                        column=exc.start + 1),
                    _("Convert the file to UTF-8 (e.g. iconv -f CP949 -t UTF-8), or give errors=\"replace\" to read "
                      "the bad bytes as U+FFFD.") if errors_option else
                    _("Convert the file to UTF-8 (e.g. iconv -f CP949 -t UTF-8)."),
                    cli_hint=_("Convert the file to UTF-8 (e.g. iconv -f CP949 -t UTF-8), or give --errors replace "
                               "(see the command's --help) to read the bad bytes as U+FFFD.") if errors_option else None,
                ) from None
            yield line.number, text
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def read_lines(source: str | Path, errors: str = "strict") -> list[str]:
    """All lines of ``source`` as a list (see :func:`iter_lines`)."""
    return [text for _k, text in iter_lines(source, errors)]


NSMC_HEADER = b"id\tdocument\tlabel"
JSONL_SUFFIXES = (".jsonl",)  # JSON lines, one object per line: read by key (text_col), here and in train's data


def nsmc_document(number: int, line: str) -> str:
    r"""The text of line ``number`` of an NSMC file: its ``document`` field ("" for the header, line 1).

    >>> nsmc_document(1, "id\tdocument\tlabel"), nsmc_document(2, "9\t좋은 영화\t1")
    ('', '좋은 영화')
    """
    fields = line.split("\t")
    return "" if number == 1 or len(fields) < 2 else fields[1]


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
               replaced: list[int] | None = None) -> Iterator[tuple[int, str]]:
    """Texts of a plain file (one per line), or of one column of a TSV/CSV file with a header.

    ``.csv`` files are parsed as CSV (quoted fields allowed); anything else with
    ``text_col`` is read as tab-separated. Rows without that column are skipped.
    A file that starts with NSMC's header (``id<TAB>document<TAB>label``) is read by its
    ``document`` column even without ``text_col`` (ids and labels are not text), and a note says so.
    """
    if str(source).lower().endswith(JSONL_SUFFIXES):  # one JSON object per line, as train reads it
        yield from _jsonl_texts(source, text_col, errors, replaced)
        return
    if text_col is None and has_nsmc_header(source):
        import logging

        text_col = "document"
        logging.getLogger("seqlab").info(_("note: {source} has NSMC's header (id, document, label): reading its "
                                           "document column").format(source=source))
    if text_col is None and str(source) == "-":  # standard input, read once: its first lines are held and looked at
        yield from _stdin_texts(errors, replaced)
        return
    if text_col is None:
        refuse_table(source)
        yield from iter_lines(source, errors, replaced)
        return
    yield from _column_texts(source, iter_lines(source, errors, replaced), text_col)


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


def replaced_summary(replaced: dict[str, list[int]]) -> dict:
    """The JSON fields that say which lines ``errors="replace"`` changed, per file: the first
    :data:`~seqlab.limits.LINES_LISTED` line numbers and the count (a whole CP949 file would list every line)."""
    from seqlab.limits import LINES_LISTED

    return {"replaced_lines": {name: lines[:LINES_LISTED] for name, lines in replaced.items()},
            "replaced_line_counts": {name: len(lines) for name, lines in replaced.items()}}


def _stdin_texts(errors: str, replaced: list[int] | None) -> Iterator[tuple[int, str]]:
    """Standard input's texts, one per line, as a file's are: NSMC piped in (``cat train.tsv |``) is read by its
    document column, and another table is refused, from its first lines (it cannot be read twice)."""
    import itertools

    lines = iter_lines("-", errors, replaced)
    head = list(itertools.islice(lines, 5))
    if head and head[0][1].lstrip("\ufeff").encode("utf-8") == NSMC_HEADER:
        import logging

        logging.getLogger("seqlab").info(_("note: {source} has NSMC's header (id, document, label): reading its "
                                           "document column").format(source=_("standard input")))
        yield from _column_texts("-", itertools.chain(head, lines), "document")  # as a file's: blank rows skipped
        return
    check_table("-", [line.encode("utf-8") for _k, line in head])
    yield from itertools.chain(head, lines)


def _jsonl_texts(source: str | Path, text_col: str | None, errors: str,
                 replaced: list[int] | None) -> Iterator[tuple[int, str]]:
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
    if keys is not None and not found:  # as a table without the column: named, with the keys there are
        raise InputError(_("no object of {source} has a text under the key {key!r}; the first one's keys are "
                           "{keys}").format(source=source, key=text_col, keys=keys),
                         _("Give text_col with the key of the texts."),
                         cli_hint=_("Pass --text-col with the key of the texts."))
    if skipped:
        import logging

        logging.getLogger("seqlab").info(ngettext(
            "note: {n:,} line of {source} is not a JSON object with a text under {key!r}: skipped (line {lines})",
            "note: {n:,} lines of {source} are not JSON objects with a text under {key!r}: skipped (lines {lines})",
            len(skipped)).format(n=len(skipped), source=source, key=text_col,
                                 lines=", ".join(map(str, skipped[:10])) + (" …" if len(skipped) > 10 else "")))
