"""Streaming a corpus into a training file: one text per line, split into morphemes or words on the way.

Tokenizer training and word-vector training both read the user's files once,
split every text (Kiwi morphemes through Kiwi's thread pool, or whitespace
words), and write the result for a trainer that streams it from disk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from seqlab.i18n import _, ngettext
from seqlab.text.reading import check_text_file, guess_of_lines, refuse_other_encoding
from seqlab.text.tables import JSONL_SUFFIXES, has_nsmc_header, iter_texts

SPLITS = ("kiwi", "whitespace", None)


def check_corpus(files, errors: str) -> list[Path]:
    """What a trainer checks before it reads a line: the errors mode, paths (one path is a list of one: "corpus.txt"
    was read as the files "c", "o", …), no file named twice (it would count every text twice), and each file there
    and readable as text. Returns the files as a list of paths."""
    import os

    from seqlab.errors import InputError, check_path
    from seqlab.text.unicode import check_errors_mode

    check_errors_mode(errors)
    if isinstance(files, (str, os.PathLike)):
        files = [files]
    if not isinstance(files, (list, tuple)):
        raise InputError(_("files must be a list of file paths, got {value!r}").format(value=files),
                         _("Pass a list, e.g. files=[\"corpus.txt\"]."), option="files")
    files = [check_path("files", path) for path in files]
    if not files:
        raise InputError(_("files is empty: no corpus file given"),
                         _("Give at least one file, e.g. files=[\"corpus.txt\"]."), option="files")
    seen = set()
    for path in files:
        key = str(path) if str(path) == "-" else str(Path(path).resolve())
        if key in seen:
            raise InputError(_("files lists {file} twice").format(file=path), _("Give each file once."), option="files")
        seen.add(key)
    for path in files:  # missing, a folder, empty or binary: said by name before any is read, as every reader does
        if str(path) != "-":
            check_text_file(path, _("a corpus file"), stdin_ok=True)  # "-" is read as standard input here
    return files


EARLY = 1_000  # the lines after which a file's share of invalid UTF-8 is first judged (and once more at its end)


def write_split_corpus(files, out: Path, split: str | None = "kiwi", tags: bool = False, text_col: str | None = None,
                       errors: str = "strict", chunk: int = 10_000,
                       progress: Callable[[int, int], None] | None = None,
                       replaced: dict[str, list[int]] | None = None) -> tuple[int, int]:
    """Write ``out`` and return (non-empty texts, tokens written).

    Args:
        split: ``kiwi`` (morpheme forms, ``form/TAG`` with ``tags``), ``whitespace``, or None (texts as they are).
        replaced: filled with each file's lines that ``errors="replace"`` changed (not valid UTF-8), by file name. A
            file with more such lines than a few (:func:`~seqlab.text.reading.refuse_other_encoding`) is refused.
        progress: called as ``progress(texts read, lines)`` after each chunk, and ``progress(texts, texts)`` at the
            end (not for standard input, whose length is unknown).
    """
    files = check_corpus(files, errors)
    # the texts of each file: its lines, less a table's header (NSMC's, or a column's), so that the total is right
    # from the start (1,999 of an NSMC file of 2,000 lines, not 2,000 that became 1,999 at the end)
    total = None if any(str(p) == "-" for p in files) else sum(
        _count_lines(p) - _has_header(p, text_col) for p in files)
    if progress and total:
        progress(0, total)
    lines = tokens = read = 0
    buffer: list[str] = []
    with Path(out).open("w", encoding="utf-8") as f:

        def flush():
            nonlocal tokens
            if split == "kiwi":
                from seqlab.tokens.kiwi import kiwi_instance, without_zero_width

                read_as = [without_zero_width(text)[0] for text in buffer]  # as KiwiTokenizer reads them
                split_texts = [[f"{t.form}/{t.tag}" if tags else t.form for t in result]
                               for result in kiwi_instance().tokenize(read_as)]
            elif split == "whitespace":
                split_texts = [text.split() for text in buffer]
            else:  # a table's text may hold a line break (a CSV field): one text stays one line of the corpus
                split_texts = [[" ".join(text.splitlines())] for text in buffer]
            for words in split_texts:
                tokens += len(words) if split else len(words[0].split())
                f.write(" ".join(words) + "\n")
            buffer.clear()

        for path in files:
            changed: list[int] = []
            before = read
            for _number, text in iter_texts(path, text_col=text_col, errors=errors, replaced=changed):
                read += 1
                if read - before == EARLY and changed and str(path) != "-":  # a CP949 file: said now, not after
                    refuse_other_encoding(Path(path), len(changed), EARLY, EARLY,  # minutes of Kiwi over all of it
                                          lambda p=path, c=changed: guess_of_lines(p, c))
                if text.strip():
                    buffer.append(text)
                    lines += 1
                if len(buffer) >= chunk:
                    flush()
                    if progress and total:
                        progress(min(read, total), total)
            if changed and str(path) != "-":  # a few lines read with U+FFFD; a file in CP949 is refused, as training data
                refuse_other_encoding(Path(path), len(changed), read - before, read - before,
                                      lambda p=path, c=changed: guess_of_lines(p, c))
            if replaced is not None:
                replaced[str(path)] = changed
        flush()
    if progress and total:
        progress(read, read)  # the texts read: the line count included a header line and a last empty line
    return lines, tokens


def _has_header(path, text_col: str | None) -> int:
    """1 when ``path`` is read as a table with a header line (NSMC's, or a TSV/CSV by ``text_col``), else 0."""
    if str(path).lower().endswith(JSONL_SUFFIXES):  # one object per line, no header
        return 0
    return int(text_col is not None or has_nsmc_header(path))


def _count_lines(path) -> int:
    """Lines of a file, counted in binary blocks (a 150,000-line file in milliseconds); 0 if it cannot be read."""
    count = last = 0
    try:
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                count += block.count(b"\n")
                last = block[-1]
    except OSError:
        return 0  # iter_texts says what is wrong with the file
    return count + (last not in (0, 10))  # a last line without its newline


def vocabulary_from_file(tokenizer, file, min_freq: int = 2, max_size: int | None = None,
                         text_col: str | None = None, errors: str = "strict",
                         progress: Callable[[int, int], None] | None = None, chunk: int = 5000,
                         replaced: list[int] | None = None):
    """Count ``tokenizer``'s tokens over a corpus file and keep the frequent ones (``seqlab vocab build``).

    The vocabulary's ``meta`` records the tokenizer, the source and the number of texts;
    ``progress(texts split, texts)`` follows the tokenizing; ``replaced`` collects the lines that ``errors="replace"``
    changed (not valid UTF-8), as every other reader says them.
    """
    from seqlab.errors import InputError
    from seqlab.ids.vocab import Vocabulary

    texts = [t for _, t in iter_texts(file, text_col=text_col, errors=errors, replaced=replaced)]
    shown = _("standard input") if str(file) == "-" else file  # named as every reader names it
    if not texts:  # a vocabulary of the special tokens alone would be written, and every text read as [UNK]
        raise InputError(_("{path} has no text to build a vocabulary from").format(path=shown),
                         _("Give a file with one text per line (or a TSV/CSV with text_col)."),
                         cli_hint=_("Give a file with one text per line (or a TSV/CSV with --text-col)."))
    tokens: list[list[str]] = []
    for start in range(0, len(texts), chunk):
        if progress:
            progress(start, len(texts))
        tokens.extend(tokenizer.split_many(texts[start : start + chunk]))
    if progress:
        progress(len(texts), len(texts))
    if not any(tokens):  # blank lines only: a vocabulary of special tokens would be written, and used
        raise InputError(ngettext("{path} holds no token: its {n:,} line is blank (only spaces or invisible "
                                  "characters)", "{path} holds no token: its {n:,} lines are blank (only spaces or "
                                  "invisible characters)", len(texts)).format(path=shown, n=len(texts)),
                         _("Give a file with text in it, one text per line."))
    # only <pad> <unk> … when min_freq cut every token: every text would read as [UNK] (an empty file is said apart)
    return Vocabulary.build(tokens, min_freq=min_freq, max_size=max_size,
                            meta={"tokenizer": tokenizer.name, "source": str(file), "texts": len(texts)}).require_tokens()
