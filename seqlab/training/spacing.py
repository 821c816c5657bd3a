"""Korean spacing restoration, the Seq2Seq demonstration task: pairs, and how a spacing is scored.

The source is a review with its spaces removed, the target the review as written.
A system's output is scored on word boundaries: for every character but the last
(spaces left out), whether a space follows it. An output whose characters differ
from the target's has no such decisions to compare: it scores 0 on every boundary of
its line (it places no right space, and no decision of it is right).
"""

from __future__ import annotations

from pathlib import Path

from seqlab.errors import InputError, check_path
from seqlab.i18n import N_, _, ngettext
from seqlab.limits import LINES_LISTED
from seqlab.text.reading import iter_lines


def spacing_pairs(texts: list[str], max_chars: int = 60) -> list[tuple[str, str]]:
    """(review without spaces, review with single spaces) for spacing restoration.

    >>> spacing_pairs(["오늘  날씨 좋다", "한마디"])
    [('오늘날씨좋다', '오늘 날씨 좋다')]
    """
    out = []
    for t in texts:
        target = " ".join(t.split())
        source = target.replace(" ", "")
        if source and " " in target and len(target) <= max_chars:
            out.append((source, target))
    return out


def write_spacing_pairs(data: str | Path, out: str | Path, text_col: str | None = None, max_chars: int = 60,
                        errors: str = "strict") -> dict:
    """``seqlab data spacing-pairs``: pairs from a file of texts (NSMC's TSV: its ``document`` column).

    ``errors="replace"`` reads invalid UTF-8 as U+FFFD, and leaves those lines out of the pairs (a U+FFFD would be
    learnt as a character): ``skipped["not_utf8"]`` counts them, ``replaced_lines`` names the first
    :data:`~seqlab.limits.LINES_LISTED`. A file in another encoding (more than 1 % of its lines) is refused, with how
    to convert it, as the classifiers' data is.
    """
    out = check_path("out", out)  # before the texts are read
    pairs, summary = make_spacing_pairs(data, text_col, max_chars, errors)
    return save_spacing_pairs(pairs, out, summary)


def make_spacing_pairs(data: str | Path, text_col: str | None = None, max_chars: int = 60,
                       errors: str = "strict") -> tuple[list[tuple[str, str]], dict]:
    """The pairs of :func:`write_spacing_pairs` and its summary (no ``path`` yet), nothing written: every input
    problem is said before a file is touched."""
    from seqlab.text.reading import check_text_file
    from seqlab.text.tables import iter_texts

    data = check_path("data", data)
    if str(data) != "-":
        data = check_text_file(data, _("a file of texts"), stdin_ok=True)  # missing, a folder, empty, binary: first
    replaced: list[int] = []  # with errors="replace": the lines that were not valid UTF-8 (strict refuses them)
    numbered = list(iter_texts(data, text_col, errors, replaced))
    bad = set(replaced)
    texts = [t for k, t in numbered if k not in bad]
    if replaced and str(data) != "-":  # a few such lines are skipped; a file in CP949 is refused, with how to convert
        from seqlab.text.reading import guess_of_lines, refuse_other_encoding

        refuse_other_encoding(Path(data), len(replaced), len(numbered), len(texts),
                              lambda: guess_of_lines(data, replaced))
    pairs = spacing_pairs(texts, max_chars)
    spaced = [" ".join(t.split()) for t in texts]
    skipped = {"not_utf8": len(numbered) - len(texts), "empty": sum(not t for t in spaced),
               "one_word": sum(bool(t) and " " not in t for t in spaced),  # nothing to restore
               "too_long": sum(" " in t and len(t) > max_chars for t in spaced)}
    if not numbered:  # stdin with nothing, or a file with NSMC's header and no rows
        raise InputError(_("standard input is empty") if str(data) == "-" else _("{data} holds no texts (only a "
                         "header)").format(data=data), _("Give a file of texts with one text per line."))
    if not pairs:  # an empty pairs file would only fail later, in seqlab train --task seq2seq
        raise InputError(_("no pairs from {data}: of its {texts:,} texts, not valid UTF-8: {not_utf8:,}; empty: "
                           "{empty:,}; one word (no space to restore): {one_word:,}; longer than max_chars {max}: "
                           "{too_long:,}").format(
            data=data if str(data) != "-" else _("standard input"), texts=len(numbered), max=max_chars, **skipped),
            _("Give texts of two or more words, or raise max_chars."), option="max_chars",
            cli_hint=_("Give texts of two or more words, or raise --max-chars."))
    return pairs, {"pairs": len(pairs), "texts": len(numbered), "skipped": skipped, "max_chars": max_chars,
                   "replaced_lines": replaced[:LINES_LISTED]}


def save_spacing_pairs(pairs: list[tuple[str, str]], out: str | Path, summary: dict) -> dict:
    """Write ``source<TAB>target`` lines to ``out`` (in one rename); the summary of :func:`make_spacing_pairs` with
    the path, as :func:`write_spacing_pairs` returns it."""
    from seqlab.storage import atomic_write_text

    atomic_write_text(out, "".join(f"{s}\t{t}\n" for s, t in pairs))
    return {"path": str(out), **summary}


#: why a line of a pairs file is not a spacing example, in the order they are tested
PAIR_PROBLEMS = {"invalid_utf8": N_("not valid UTF-8"),
                 "malformed": N_("not source<TAB>target with both sides non-empty"),
                 "too_long": N_("longer than {max} characters"),  # max_chars, in Python and on the command line
                 "not_spacing": N_("target not the source with spaces put in"),
                 "extra_spaces": N_("target with two spaces in a row, or one at an end")}


def pair_problem(source: str, target: str, max_chars: int) -> str | None:
    """Why ``source -> target`` is no spacing example (a key of :data:`PAIR_PROBLEMS`), or None.

    The decoder copies the source character by character and chooses a space or not before each one, so the
    target must be exactly the source with single spaces put in between its characters.

    >>> [pair_problem(s, t, 60) for s, t in [("오늘날씨", "오늘 날씨"), ("고마워", "감사합니다"), ("좋아요", "좋아  요"),
    ...                                       ("좋아요", " 좋아요")]]
    [None, 'not_spacing', 'extra_spaces', 'extra_spaces']
    """
    if not source or not target:
        return "malformed"
    if max(len(source), len(target)) > max_chars:
        return "too_long"
    if target.replace(" ", "") != source:
        return "not_spacing"
    if "  " in target or target[0] == " " or target[-1] == " ":
        return "extra_spaces"
    return None


def read_pairs(path: Path, max_chars: int, lines: dict[str, list[int]] | None = None,
               ) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """``source<TAB>target`` lines; returns (pairs, lines skipped per reason of :data:`PAIR_PROBLEMS`). ``lines``,
    when given, is filled with the line numbers skipped, by reason (the first :data:`~seqlab.limits.LINES_LISTED`
    of each).

    As in the classifier's data (:mod:`seqlab.training.data`), a few lines that are not valid UTF-8 are skipped and
    counted; a file in another encoding (more than 1% of its lines) is refused, with how to convert it.
    """
    from seqlab.text.reading import check_text_file, guess_of_lines, refuse_other_encoding

    if path.is_file() and path.stat().st_size == 0:  # said as every command says it, with how to make pairs
        raise InputError(_("{path} is empty").format(path=path), _(_MAKE_PAIRS), cli_hint=_(_MAKE_PAIRS_CLI))
    check_text_file(path, _("a pairs file"))  # missing, a folder or binary: said before reading
    pairs, skipped = [], dict.fromkeys(PAIR_PROBLEMS, 0)
    not_utf8: list[int] = []  # the lines read with U+FFFD, filled as they are read: skipped, never a pair
    total = 0
    for k, line in iter_lines(path, errors="replace", replaced=not_utf8):
        total += 1
        parts = line.split("\t")
        problem = ("invalid_utf8" if not_utf8 and not_utf8[-1] == k else "malformed" if len(parts) != 2
                   else pair_problem(parts[0], parts[1], max_chars))
        if problem:
            skipped[problem] += 1
            if lines is not None and skipped[problem] <= LINES_LISTED:
                lines.setdefault(problem, []).append(k)
            continue
        pairs.append((parts[0], parts[1]))
    refuse_other_encoding(path, len(not_utf8), total, len(pairs), lambda: guess_of_lines(path, not_utf8))
    if not pairs:
        reasons = skipped_text(skipped, max_chars)
        raise InputError(_("{path} has no usable source<TAB>target pairs (skipped {skipped})")
                         .format(path=path, skipped=reasons) if reasons else
                         _("{path} holds no lines of source<TAB>target pairs").format(path=path),
                         _(_MAKE_PAIRS), cli_hint=_(_MAKE_PAIRS_CLI))
    return pairs, skipped


_MAKE_PAIRS = N_("Make pairs with write_spacing_pairs(FILE, \"pairs.tsv\").")
_MAKE_PAIRS_CLI = N_("Make pairs with: seqlab data spacing-pairs FILE --out pairs.tsv")


def skipped_text(skipped: dict[str, int], max_chars: int, lines: dict[str, list[int]] | None = None) -> str:
    """"longer than 60 characters: 3 lines (lines 4, 9, 12), …": the reasons that skipped lines, with their counts and,
    given ``lines``, the first ten line numbers of each."""
    def where(k: str, n: int) -> str:
        numbers = (lines or {}).get(k) or []
        shown = ", ".join(map(str, numbers[:10])) + (" …" if n > 10 else "")
        return " (" + ngettext("line {where}", "lines {where}", n).format(where=shown) + ")" if numbers else ""

    return ", ".join(ngettext("{reason}: {n:,} line", "{reason}: {n:,} lines", n).format(
        reason=_(PAIR_PROBLEMS[k]).format(max=max_chars), n=n) + where(k, n) for k, n in skipped.items() if n)


def boundaries(text: str) -> list[int]:
    """1 after each character that a space follows, for every character but the last (spaces excluded).

    >>> boundaries("오늘 날씨")
    [0, 1, 0]
    """
    marks = []
    for i, c in enumerate(text):
        if c == " ":
            continue
        marks.append(1 if i + 1 < len(text) and text[i + 1] == " " else 0)
    return marks[:-1]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions; spaces count as characters).

    >>> edit_distance("오늘 날씨", "오늘날씨")
    1
    """
    if len(a) < len(b):
        a, b = b, a
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (ca != cb))
    return row[-1]


def spacing_scores(predictions: list[str], targets: list[str]) -> dict:
    """Word-boundary accuracy, precision, recall and F1; character accuracy three ways; exact match.

    - The boundary scores compare, after each character, "a space follows" in output and target.
      An output whose characters (spaces left out) differ from the target's has no such
      decisions to compare: it scores 0 on every one of its target's boundaries.

    - ``char_accuracy``: the i-th character of output and target compared position by position.
      After the first missing or extra space every later character is shifted, so one spacing
      error can make the rest of the line "wrong": it understates any system that keeps the text.
    - ``aligned_char_accuracy``: the two texts aligned on their characters (spaces left out); a
      character counts as right when it is the same and its "a space follows" decision matches
      the target's. An output whose characters differ from the target's scores 0 on that line,
      as in the boundary scores.
    - ``cer``: character error rate, the edit distance to the target (spaces count) over the
      target's length; it works for any output, constrained or not.

    >>> s = spacing_scores(["영화 보고 왔다"], ["영화보고 왔다"])
    >>> round(s["char_accuracy"], 3), round(s["aligned_char_accuracy"], 3), round(s["cer"], 3)
    (0.286, 0.833, 0.143)
    """
    char_ok = char_n = b_ok = b_n = tp = fp = fn = aligned_ok = aligned_n = edits = 0
    for p, t in zip(predictions, targets):
        char_n += len(t)
        char_ok += sum(a == b for a, b in zip(p, t))
        same = p.replace(" ", "") == t.replace(" ", "")
        tb = boundaries(t)
        pb = boundaries(p) if same else [0] * len(tb)
        b_n += len(tb)
        b_ok += sum(a == b for a, b in zip(pb, tb)) if same else 0  # other characters: no decision is right
        tp += sum(a == b == 1 for a, b in zip(pb, tb))
        fp += sum(a == 1 and b == 0 for a, b in zip(pb, tb))
        fn += sum(a == 0 and b == 1 for a, b in zip(pb, tb))
        letters = len(t.replace(" ", ""))
        aligned_n += letters
        if same and letters:  # the last character has no boundary decision: it is right when the text is
            aligned_ok += sum(a == b for a, b in zip(pb, tb)) + 1
        edits += edit_distance(p, t)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {"char_accuracy": char_ok / max(char_n, 1), "aligned_char_accuracy": aligned_ok / max(aligned_n, 1),
            "cer": edits / max(char_n, 1), "boundary_accuracy": b_ok / max(b_n, 1),
            "boundary_precision": precision, "boundary_recall": recall,
            "boundary_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "exact_match": sum(p == t for p, t in zip(predictions, targets)) / max(len(targets), 1)}
