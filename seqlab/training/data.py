"""Labelled text data: NSMC's TSV, generic CSV/TSV/JSONL, bad rows counted, a seeded validation split.

Bad rows never stop a run: a row with a missing or unknown label, an empty text
or invalid UTF-8 is skipped, counted by reason, and a few examples (line
numbers) are kept for the report.
"""

from __future__ import annotations

import csv
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from seqlab.errors import InputError, check_number, check_path
from seqlab.i18n import _, ngettext
from seqlab.text.reading import (
    encoding_guess,
    file_error,
    raw_lines,
    refuse_binary,
    refuse_other_encoding,
    refuse_stdin,
)
from seqlab.text.tables import JSONL_SUFFIXES, has_nsmc_header

FORMATS = ("nsmc", "tsv", "csv", "jsonl")
NSMC_LABELS = {"0": "negative", "1": "positive"}  # NSMC's columns are id, document, label
MIN_CLASS_ROWS = 5  # a class with fewer rows can be neither learned nor validated
VAL_FRACTION_RANGE = (0.01, 0.5)  # a validation split of at least 1% and at most half of the rows


@dataclass
class BadRows:
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[int]] = field(default_factory=dict)

    def add(self, reason: str, line: int) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        kept = self.examples.setdefault(reason, [])
        if len(kept) < 5:
            kept.append(line)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict:
        return {"total": self.total, "counts": self.counts, "example_lines": self.examples}

    def said(self) -> str:
        """The rows left out, by reason, with example lines, as train and evaluate say them (or "")."""
        return skipped_rows_line(self.to_dict())


def skipped_rows_line(bad: dict) -> str:
    """``BadRows.to_dict()`` as one line: "skipped 4 rows that cannot be used (empty text: 1 row, …); e.g. empty text:
    line 3; …" (only up to five example lines per reason are kept), or "" when none was skipped."""
    if not bad.get("total"):
        return ""
    reasons = ", ".join(ngettext("{reason}: {n:,} row", "{reason}: {n:,} rows", n).format(reason=_(reason), n=n)
                        for reason, n in bad["counts"].items())
    examples = "; ".join(ngettext("{reason}: line {lines}", "{reason}: lines {lines}", len(lines)).format(
        reason=_(reason), lines=", ".join(map(str, lines))) for reason, lines in bad.get("example_lines", {}).items())
    return ngettext("skipped {n:,} row that cannot be used ({reasons}); e.g. {examples}",
                    "skipped {n:,} rows that cannot be used ({reasons}); e.g. {examples}",
                    bad["total"]).format(n=bad["total"], reasons=reasons, examples=examples)


@dataclass
class Dataset:
    texts: list[str]
    labels: np.ndarray  # (N,) int64 class indices
    label_names: list[str]  # class index -> the label as written in the file
    source: str
    bad: BadRows = field(default_factory=BadRows)
    label_meanings: dict[str,
                         str] | None = None  # what each label stands for, when known (NSMC: 0 negative, 1 positive)
    read_as: dict = field(default_factory=dict)  # {"fmt", "text_col", "label_col"}: how to read the file again

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, index: np.ndarray) -> Dataset:
        return Dataset([self.texts[i] for i in index], self.labels[index], self.label_names, self.source, self.bad,
                       self.label_meanings, self.read_as)


class MissingColumn(InputError):
    """The file has no column (a JSONL file no key) of the name given for the text or the label."""


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    return "tsv"



def check_data_path(path: Path) -> None:
    """A data file that is a folder, or is not there, refused by name (before any other work: ``seqlab train`` checks
    it before it says anything about the machine or loads a model)."""
    path = Path(path)
    if path.is_dir():
        # "is a folder, not …" as every reader says it; the argument named first ("--data …" on the command line)
        raise InputError(_("data {path} is a folder, not a data file").format(path=path),
                         _("Give a data file (NSMC TSV, CSV, TSV or JSONL)."), option="data")
    if not path.exists():
        raise _not_found(path)


def _not_found(path: Path) -> InputError:
    return InputError(_("data file not found: {path}").format(path=path),
                      _("Give the path of a data file (NSMC TSV, CSV, TSV or JSONL)."),
                      cli_hint=_("Give --data FILE (NSMC TSV, CSV, TSV or JSONL)."))


def _rows(path: Path, fmt: str, text_col: str, label_col: str, bad: BadRows):
    """(line number, text, label string or None) per data row."""
    check_data_path(path)
    try:
        with path.open("rb") as f:
            refuse_binary(f.read(8192), str(path), path)  # UTF-16 with its iconv, or a binary file
            f.seek(0)
            lines = list(raw_lines(f))
    except FileNotFoundError:
        raise _not_found(path) from None
    except OSError as exc:
        raise file_error(path, exc, _("a data file")) from None
    decoded, undecodable = [], []
    for line in lines:
        try:
            decoded.append((line.number, line.body.decode("utf-8")))
        except UnicodeDecodeError:
            bad.add("invalid UTF-8", line.number)
            undecodable.append(line.body)
    refuse_other_encoding(path, len(undecodable), len(lines), len(decoded), lambda: encoding_guess(undecodable))
    if fmt == "jsonl":
        first_keys, found = None, {text_col: False, label_col: False}
        for number, line in decoded:
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                bad.add("invalid JSON", number)
                continue
            if not isinstance(obj, dict):
                bad.add("invalid JSON", number)
                continue
            first_keys = list(obj) if first_keys is None else first_keys
            found = {key: seen or key in obj for key, seen in found.items()}
            label = obj.get(label_col)
            yield number, obj.get(text_col), None if label is None else str(label)
        missing = [key for key, seen in found.items() if not seen]
        if first_keys is not None and missing:  # the key named, as a missing column is: not "missing label" rows
            raise MissingColumn(_("no object of {path} has the key {key!r}; the first one's keys are {keys}").format(
                path=path, key=missing[0], keys=first_keys), _("Pass text_col and label_col with its keys."),
                cli_hint=_("Pass --text-col and --label-col with its keys."))
        return
    while decoded and not decoded[0][1].strip():  # blank lines before the header: the header is the first text
        decoded.pop(0)
    delimiter = "," if fmt == "csv" else "\t"
    quoting = csv.QUOTE_MINIMAL if fmt == "csv" else csv.QUOTE_NONE
    # each line with its break back: a quoted CSV field across lines keeps it (the lines were joined bare), and
    # reader.line_num counts the lines read, so that a row is numbered by the file line it starts on
    reader = csv.reader((line + "\n" for _k, line in decoded), delimiter=delimiter, quoting=quoting)
    header = next(reader, None)
    if header is None:
        raise InputError(_("{name} has no text (no lines, or only blank ones)").format(name=path),
                         _("Give a file with a header line, then one labelled text per line."))
    missing = [c for c in (text_col, label_col) if c not in header]
    if missing and len(header) == 1:  # a text per line: its first text is no header, and there are no labels
        raise MissingColumn(_("{path} is not a table: its first line has no {sep}, so it has no header with the "
                              "columns {text!r} and {label!r}").format(
            path=path, sep=_("comma") if fmt == "csv" else _("tab"), text=text_col, label=label_col),
            _("Training reads labelled texts: a TSV (or CSV) with a header line, e.g. NSMC's id, document, label."))
    if missing:
        raise MissingColumn(_("{path} has no column {column!r}; its header is {header}")
                         .format(path=path, column=missing[0], header=header),
                         _("Pass text_col and label_col with names from the header."),
                         cli_hint=_("Pass --text-col and --label-col with names from the header."))
    ti, li = header.index(text_col), header.index(label_col)
    start = reader.line_num  # index in decoded of the next row's first line
    for row in reader:
        number, start = decoded[start][0], reader.line_num
        if any(cell.strip() for cell in row[len(header):]):  # a tab or comma inside a text: which cell is which?
            bad.add("more columns than the header", number)
            continue
        text = row[ti] if ti < len(row) else None
        label = row[li] if li < len(row) and row[li].strip() != "" else None
        yield number, text, label


def load_dataset(path: str | Path, fmt: str | None = None, text_col: str | None = None, label_col: str | None = None,
                 label_names: list[str] | None = None) -> Dataset:
    """Read labelled texts.

    Args:
        path: the file. NSMC's ``ratings_train.txt``/``train.tsv`` are tab-separated ``id, document, label``.
        fmt: ``nsmc``, ``tsv``, ``csv`` or ``jsonl`` (default: from the extension; TSV otherwise).
        text_col, label_col: column (or JSON key) names; NSMC's ``document``/``label`` by default.
        label_names: fix the class order (a trained model's), so that ids match; unknown labels are bad rows.
    """
    path = check_path("path", path)
    refuse_stdin(path, _("a data file"))
    guessed = fmt is None  # from the extension: NSMC's rules may apply to a file with its header
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise InputError(_("unknown data format {fmt!r}").format(fmt=fmt),
                         _("Use one of: {choices}.").format(choices=', '.join(FORMATS)))
    # NSMC's rules (labels 0 and 1, meaning negative and positive) only for NSMC: named, or its own header line read
    # by its own columns with nothing else asked; a table whose columns are called document and label, read with
    # fmt="tsv" or those columns named, keeps its own classes (a 3-class file with that header could not be trained)
    nsmc = fmt == "nsmc" or (guessed and fmt == "tsv" and text_col is None and label_col is None
                             and has_nsmc_header(path))
    if fmt == "nsmc":
        fmt = "tsv"
    text_col, label_col = text_col or "document", label_col or "label"
    allowed = label_names or (list(NSMC_LABELS) if nsmc else None)
    bad = BadRows()
    texts, raw_labels, lines = [], [], []
    for number, text, label in _rows(path, fmt, text_col, label_col, bad):
        if label is None:
            bad.add("missing label", number)
        elif not isinstance(text, str) or not text.strip():
            bad.add("empty text", number)
        elif allowed is not None and label not in allowed:  # one reason, in train and evaluate alike
            bad.add("unknown label", number)
        else:
            texts.append(text)
            raw_labels.append(label)
            lines.append(number)
    if not texts and not bad.total:
        raise InputError(_("{path} has no rows under its header").format(path=path) if fmt != "jsonl"
                         else _("{path} has no rows").format(path=path),
                         _("Add one labelled text per line under the header line.") if fmt != "jsonl"
                         else _("Add one JSON object per line."))
    if not texts:
        guessed_nsmc = nsmc and guessed and label_names is None and "unknown label" in bad.counts
        raise InputError(ngettext("{path} has no usable rows ({total:,} bad row: {counts})",
                                  "{path} has no usable rows ({total:,} bad rows: {counts})", bad.total).format(
            path=path, total=bad.total, counts=", ".join(ngettext("{reason}: {n:,} row", "{reason}: {n:,} rows", n).format(
                reason=_(reason), n=n) for reason, n in bad.counts.items())),
            _("The labels must be one of {labels}.").format(labels=", ".join(allowed)) + (" " + _(
                "The file has NSMC's header, so it was read by NSMC's labels (0, 1); to keep its own labels, give "
                "fmt=\"tsv\".") if guessed_nsmc else "")
            if allowed and "unknown label" in bad.counts else
            _("A text holds a tab (TSV) or an unquoted comma (CSV): in a TSV file replace the tab, in a CSV file put the "
              "text in double quotes.")
            if "more columns than the header" in bad.counts else
            _("Each line needs a text and a label, in the columns {text} and {label}.").format(text=text_col,
                                                                                              label=label_col)
            if {"missing label", "empty text"} & set(bad.counts) else
            _("Check that the file is UTF-8 and in the format its name says ({fmt}).").format(fmt=fmt),
            cli_hint=_("The labels must be one of {labels}.").format(labels=", ".join(allowed)) + " " + _(
                "The file has NSMC's header, so it was read by NSMC's labels (0, 1); to keep its own labels, give "
                "--format tsv.") if guessed_nsmc else None)
    if nsmc and guessed and label_names is None and texts and "unknown label" in bad.counts:
        import logging  # NSMC's header with labels beyond 0 and 1: a 3-class file trained as 2 classes, unsaid

        logging.getLogger("seqlab").info(ngettext(
            "note: {n:,} row of {path} has a label other than NSMC's 0 and 1 and was skipped: the file has NSMC's "
            "header; to keep its own labels, give fmt=\"tsv\" (--format tsv)",
            "note: {n:,} rows of {path} have labels other than NSMC's 0 and 1 and were skipped: the file has NSMC's "
            "header; to keep its own labels, give fmt=\"tsv\" (--format tsv)", bad.counts["unknown label"]).format(
            n=bad.counts["unknown label"], path=path.name))
    if label_names is None:
        try:
            _check_classes(path, raw_labels, lines)
        except InputError as exc:  # the rows left out may be why a label is missing or rare: said with it
            if bad.total:
                exc.message += "; " + bad.said()
            raise
    names = label_names or sorted(set(raw_labels), key=lambda s: (not s.lstrip("-").isdigit(), int(s) if
                                                                  s.lstrip("-").isdigit() else 0, s))
    index = {name: i for i, name in enumerate(names)}
    labels = np.array([index[label] for label in raw_labels], dtype=np.int64)
    meanings = {k: v for k, v in NSMC_LABELS.items() if k in names} if nsmc else None
    read_as = {"fmt": "nsmc" if nsmc else fmt, "text_col": text_col, "label_col": label_col}
    return Dataset(texts, labels, list(names), str(path), bad, meanings, read_as)


def _check_classes(path: Path, labels: list[str], lines: list[int]) -> None:
    """Refuse a label so rare that it is more likely a typo than a class (it would silently become one)."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    rare = sorted((n, label) for label, n in counts.items() if n < MIN_CLASS_ROWS)
    if len(counts) < 2:
        raise InputError(_("{path} has only one label ({label!r}): a classifier needs at least two")
                         .format(path=path, label=next(iter(counts))),
                         _("Check label_col."), cli_hint=_("Check --label-col."))
    if rare:
        n, label = rare[0]
        where = [line for line, lab in zip(lines, labels) if lab == label][:5]
        raise InputError(ngettext("label {label!r} occurs in only {n} row of {path} (line {lines}); a class needs at "
                                  "least {MIN_CLASS_ROWS} rows to be learned and validated",
                                  "label {label!r} occurs in only {n} rows of {path} (lines {lines}); a class needs at "
                                  "least {MIN_CLASS_ROWS} rows to be learned and validated", n).format(label=label, n=n, path=path,
                                                                                       lines=', '.join(map(str, where)), MIN_CLASS_ROWS=MIN_CLASS_ROWS),
                         _label_hint(counts, len(labels), "label_col"), cli_hint=_label_hint(counts, len(labels),
                                                                                               "--label-col"))


SHOWN_LABELS = 20  # labels a refusal lists (an id column taken for the labels gave 7.6 KB of them)


def _label_hint(counts: dict[str, int], rows: int, option: str) -> str:
    """The labels found, the most frequent first, cut to SHOWN_LABELS; a column of all-distinct values is named as
    what it likely is."""
    shown = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:SHOWN_LABELS]
    listed = ", ".join(f"{k!r} ({v:,})" for k, v in shown)
    if len(counts) > SHOWN_LABELS:
        listed += " " + _("and {n:,} more").format(n=len(counts) - SHOWN_LABELS)
    if len(counts) == rows:  # every value once: an id, or the texts, not a label
        return _("The label column has {n:,} distinct values for {rows:,} rows, so it looks like an id or a text "
                 "column: check {option}. The labels found are: {labels}.").format(n=len(counts), rows=rows,
                                                                                  option=option, labels=listed)
    return _("Fix or remove those rows; the labels found are: {labels}.").format(labels=listed)


def train_val_split(data: Dataset, val_fraction: float = 0.1, seed: int = 13) -> tuple[Dataset, Dataset]:
    """A deterministic, stratified validation split: the same seed always carves the same rows."""
    check_number("val_fraction", val_fraction, *VAL_FRACTION_RANGE)  # the range seqlab train checks, too
    rng = np.random.default_rng(seed)
    val = []
    for c in range(len(data.label_names)):
        members = np.flatnonzero(data.labels == c)
        rng.shuffle(members)
        # at least one row of every class with two or more (a class of 5 rows at 10% would round to none)
        k = max(1, round(len(members) * val_fraction)) if len(members) > 1 else 0
        val.extend(members[:k].tolist())
    val_mask = np.zeros(len(data), dtype=bool)
    val_mask[val] = True
    return data.subset(np.flatnonzero(~val_mask)), data.subset(np.flatnonzero(val_mask))


@functools.lru_cache(maxsize=8)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    """The SHA-256 of a data file, once per version of it (every model of a comparison records it)."""
    from seqlab.storage import sha256_file

    return sha256_file(path)


def split_record(train: Dataset, val: Dataset) -> dict:
    """What a saved run records about its data: source, split sizes, the rows skipped, what the labels mean."""
    record = {"source": train.source, "train": len(train), "val": len(val), "bad_rows": train.bad.to_dict()}
    if Path(train.source).is_file():  # so that evaluate can tell the training file, or rows of it, in a test file
        stat = Path(train.source).stat()
        record["source_path"] = str(Path(train.source).resolve())  # "source" is as given, relative to where it ran
        record["source_sha256"] = _file_digest(record["source_path"], stat.st_size, stat.st_mtime_ns)
        if train.read_as:
            record["read_as"] = train.read_as
    if train.label_meanings:
        record["label_meanings"] = train.label_meanings
    return record
