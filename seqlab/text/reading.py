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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

from seqlab.errors import InputError, UsageError
from seqlab.i18n import _
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


def check_text_file(path: str | Path, what: str | None = None, stdin_ok: bool = False) -> Path:
    """``path`` as a readable, non-empty text file, or an InputError that says what it is instead (``-``, which it
    cannot read twice: a UsageError, :func:`refuse_stdin`).

    The one check every command's input file goes through: missing, a folder, empty, binary. ``stdin_ok``: the
    caller reads ``-`` itself (and checks only files here), so a missing file's hint offers it.
    """
    refuse_stdin(path, what)
    path = Path(path)
    if not path.exists():  # "use - for stdin" only where the caller reads it: see above
        raise InputError(_("file not found: {path}").format(path=path), _("Check the path."),  # the library's
                         cli_hint=_("Check the path, or use - to read from stdin.") if stdin_ok else None)
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


def replaced_summary(replaced: dict[str, list[int]]) -> dict:
    """The JSON fields that say which lines ``errors="replace"`` changed, per file: the first
    :data:`~seqlab.limits.LINES_LISTED` line numbers and the count (a whole CP949 file would list every line)."""
    from seqlab.limits import LINES_LISTED

    return {"replaced_lines": {name: lines[:LINES_LISTED] for name, lines in replaced.items()},
            "replaced_line_counts": {name: len(lines) for name, lines in replaced.items()}}


NOT_UTF8_SHARE = 0.01  # more invalid UTF-8 lines than this share (and more than one): the file's encoding is wrong


def refuse_other_encoding(path: Path, bad: int, total: int, kept: int, guess: Callable[[], str]) -> None:
    """The one rule of every reader that takes ``errors="replace"`` for training data (labelled texts, spacing pairs,
    a word-vector corpus): a few lines that are not UTF-8 are skipped or read with U+FFFD and counted, but a file in
    another encoding (more than :data:`NOT_UTF8_SHARE` of its lines, or nothing left) is refused, with how to convert
    it. ``guess()``: ", it looks like CP949 (EUC-KR)" or "", asked only when refusing."""
    if bad and (bad > max(1, NOT_UTF8_SHARE * total) or not kept):
        path = Path(path)
        raise InputError(_("{path} is not UTF-8: {n:,} of its {total:,} lines are not valid UTF-8{guess}").format(
            path=path, n=bad, total=total, guess=guess()),
            _("Convert it first, e.g.: iconv -f cp949 -t utf-8 {path} > {stem}.utf8{suffix}").format(
                path=path, stem=path.with_suffix(""), suffix=path.suffix))


def encoding_guess(bodies: list[bytes]) -> str:
    """", it looks like CP949 (EUC-KR)" when those lines decode as Korean's legacy encoding, else nothing."""
    try:
        for body in bodies[:50]:
            body.decode("cp949")
    except UnicodeDecodeError:
        return ""
    return _(", it looks like CP949 (EUC-KR)")


def guess_of_lines(path: str | Path, numbers: list[int]) -> str:
    """:func:`encoding_guess` of a file's lines numbered ``numbers`` (as :func:`iter_lines` numbers them)."""
    wanted = set(numbers[:50])
    with open(path, "rb") as f:
        bodies = [line.body for line in raw_lines(f) if line.number in wanted]
    return encoding_guess(bodies)
