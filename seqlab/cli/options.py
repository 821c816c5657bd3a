"""Options every command shares, and the up-front checks every command makes the same way.

Options are built by functions, called when the commands are registered, so
that their help is in the language chosen for this run (see :mod:`seqlab.i18n`).
"""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.errors import UsageError, check_choice, check_number, shown_number
from seqlab.i18n import LANGUAGES, N_, _, language_code, ngettext
from seqlab.ids.limits import MAX_MIN_COUNT  # noqa: F401  one owner (stage 3's limits); the commands import it from here
from seqlab.lab.limits import SEED_MAX  # noqa: F401  (its owner: seqlab.limits); the commands import it from here
from seqlab.limits import ERROR_MODES
from seqlab.pretrained.registry import E5_PREFIXES, uses_e5_prefixes


def given(**values) -> dict:
    """The options given (not None), for a library call or config whose own defaults fill in the rest: a default
    has one owner, the library, and the command never copies it."""
    return {name: value for name, value in values.items() if value is not None}


def long_name(param) -> str:
    """An option's name as the commands write it in their messages: its first long spelling (--min-freq, not the
    alias --min-frequency; --max-length, not -m)."""
    return next((o for o in param.opts if o.startswith("--")), param.opts[0])


def number_range(low, high) -> str:
    """A range as every help writes it, with the numbers as the range check's message writes them: "1 to 1,024"
    (Korean "1~1,024")."""
    return _("{low} to {high}").format(low=shown_number(low), high=shown_number(high))


def model_opt():
    return typer.Option(None, "--model", "-m", help=_("e5-small (default), minilm, kiwi, char, whitespace, "
                                                      "a hub id such as klue/bert-base, or a local directory."))


def encoder_opt():
    """``-m`` for commands that need vectors: the tokenizer-only names (kiwi, char, whitespace) are not offered."""
    return typer.Option(None, "--model", "-m", help=_("A model with vectors: e5-small (default), minilm, a hub id "
                                                      "such as klue/bert-base, or a local directory."))


def file_opt():
    return typer.Option(None, "--file", "-f", help=_("Read texts from FILE, one per line (- for stdin)."),
                        readable=False)


def folded(choices):
    """A parser callback: a choice given in another case as the choices spell it (``REPLACE`` is ``replace``), for
    every command that takes the option, including those whose value goes straight to the library; anything else
    is left as typed, for :func:`one_of` or the library to refuse by name."""
    def fold(value):
        if isinstance(value, str) and value not in choices:
            meant = [c for c in choices if c.lower() == value.lower()]
            return meant[0] if len(meant) == 1 else value
        return value

    return fold


def errors_opt(skips: bool = False):
    """``--errors``; ``skips``: the command leaves the lines it read with U+FFFD out (spacing pairs), and its help
    says so."""
    return typer.Option("strict", "--errors", callback=folded(ERROR_MODES),
                        help=_("strict: stop at invalid UTF-8/surrogates; replace: read them as U+FFFD and skip those "
                               "lines (a few; a file in another encoding is refused).") if skips else
                        _("strict: stop at invalid UTF-8/surrogates; replace: use U+FFFD."))


def json_opt(shape: str = "lines"):
    """``--json``; its help says what comes out: ``lines`` (one object per text), ``document`` (one JSON document to
    read whole), ``per-model`` (one line per trained model) or ``one`` (one object: one word, one pair)."""
    said = {"lines": _("Print JSON for scripts: one object per text, one per line (JSON Lines)."),
            "document": _("Print JSON for scripts: one JSON document."),
            "per-model": _("Print JSON for scripts: one object per model, one per line (JSON Lines)."),
            "one": _("Print JSON for scripts: one JSON object, on one line.")}
    return typer.Option(False, "--json", help=said[shape])


def markdown_opt():
    return typer.Option(False, "--markdown", help=_("Print Markdown."))


def norm_opt():
    return typer.Option("NFC", "--normalization", help=_("Unicode form applied first: NFC, NFKC, NFD, NFKD or none."))


def vocab_opt():
    return typer.Option(None, "--vocab", help=_("Vocabulary JSON for kiwi/char/whitespace (default: built from "
                                               "wordfreq)."), readable=False)


def lang_opt():
    """``--lang``: the language was chosen before the commands were built (:func:`seqlab.cli.main.main`);
    here it is declared, so that it shows in every ``--help`` and is checked like any option."""
    return typer.Option(None, "--lang", help=_("Interface language: ko or en (default: SEQLAB_LANG, then the "
                                              "locale)."), show_default=False, metavar="[ko|en]")


def group(help: str) -> typer.Typer:
    """A command group (``seqlab vocab``, ``seqlab data``...) that accepts ``--lang`` like every command."""
    sub = typer.Typer(help=help, no_args_is_help=True)

    @sub.callback()
    def callback(lang: str = lang_opt()):
        check_lang(lang)

    return sub


def prefix_opt():
    return typer.Option("none", "--prefix", help=_("e5 input prefix: query, passage or none."))


PREFIXES = {"none": "", **E5_PREFIXES}


def checked_prefix(name: str, model: str | None) -> str:
    """The text an e5 ``--prefix`` name stands for (in any case, as every choice), checked against the model: a
    model that is not an e5 model takes none (a usage error). The library's own mapping, without the check, is
    :func:`seqlab.tokens.prefixes.prefix_text`."""
    name = one_of("--prefix", name, tuple(PREFIXES)) if name.lower() in PREFIXES else name
    if name not in PREFIXES:
        raise UsageError(_("unknown prefix {name!r}").format(name=name), _("Use --prefix query, passage or none."))
    if PREFIXES[name] and model is not None and not uses_e5_prefixes(model):
        raise UsageError(_("--prefix {name} is e5's input prefix; {model} was not trained with it").format(
            name=name, model=model), _("Leave --prefix out, or use an e5 model (e5-small)."))
    return PREFIXES[name]


def in_range(option: str, value, low=None, high=None) -> None:
    """Exit 2 with a usage error naming the option and its range when ``value`` is outside [low, high]."""
    check_number(option, value, low, high, error=UsageError)


def one_of(option: str, value: str | None, choices) -> str | None:
    """``value`` as ``choices`` spell it, in any case (``3CosAdd``, ``LSTM``, ``REPLACE``: as the help and the
    lecture write them); exit 2 for anything else, naming the choices."""
    return None if value is None else check_choice(option, value, choices, UsageError)


def exclusive(**flags: bool) -> None:
    on = [name for name, value in flags.items() if value]
    if len(on) > 1:
        raise UsageError(_("choose one output format, not {formats}").format(
            formats=_(" and ").join("--" + n for n in on)))


def check_normalization(form: str) -> str:
    """The canonical spelling of a Unicode form given in any case (``nfc`` -> ``NFC``); exit 2 for others."""
    from seqlab.text.unicode import FORMS

    canonical = {f.lower(): f for f in FORMS}.get(form.lower(), form)
    canonical = one_of("--normalization", canonical, FORMS)
    return canonical


def check_lang(lang: str | None) -> None:
    """``--lang`` as :func:`seqlab.cli.main.main` read it: any case, a region allowed (``KO``, ``ko-KR``)."""
    if lang is not None:
        one_of("--lang", language_code(lang) or lang, LANGUAGES)


def csv_list(value: str, option: str | None = None, choices=None) -> list[str]:
    """The comma-separated values of an option; an empty item (``100,,200``) and, with ``option`` named, a value
    given twice are usage errors. With ``choices``, each value as they spell it, in any case (:func:`one_of`), before
    the check for repeats (``tfidf,TFIDF`` is one model twice)."""
    values = [v.strip() for v in value.split(",")] if value.strip() else []
    if any(not v for v in values):
        example = ",".join(v for v in values if v) or "a,b"  # what was meant: the same items, one comma apart
        raise UsageError(_("{option} has an empty item: {value!r}").format(option=option or _("the list"), value=value),
                         _("Separate the values with single commas, e.g. {example}.").format(example=example))
    if choices is not None:
        values = [one_of(option, v, choices) for v in values]
    if option is not None:
        no_duplicates(option, values)
    return values


def no_duplicates(option: str, values, shown=None) -> None:
    """Exit 2 when a list option names one value twice (it is never dropped silently).

    ``shown``: the values as the user wrote them, when ``values`` are parsed (``1`` and ``1.0`` are one value).
    """
    seen = set()
    for i, v in enumerate(values):
        if v in seen:
            raise UsageError(_("{option} lists {value} twice").format(option=option,
                                                                     value=(shown or values)[i]),
                             _("Give each value once."))
        seen.add(v)


def first_of_each(texts: list[str], numbers: list[int], from_lines: bool) -> tuple[list[str], list[dict]]:
    """``texts`` with each one kept at its first place, and the repeats: ``{"item", "at", "lines"}``, where ``at``
    lists the ``numbers`` of its places: lines of the file (``from_lines``) or items given.

    >>> first_of_each(["굳", "최고", "굳"], [2, 3, 5], True)
    (['굳', '최고'], [{'item': '굳', 'at': [2, 5], 'lines': True}])
    """
    places: dict[str, list[int]] = {}
    for text, number in zip(texts, numbers, strict=True):
        places.setdefault(text, []).append(number)
    repeated = [{"item": t, "at": at, "lines": from_lines} for t, at in places.items() if len(at) > 1]
    return list(places), repeated


def text_col_opt():
    """``--text-col``: the column of ``-f FILE`` read as texts when the file is a TSV/CSV table with a header, or the
    key of a JSON-lines file's objects."""
    return typer.Option(None, "--text-col", help=_("Column holding the text in a TSV/CSV file with a header, or its "
                                                   "key in a .jsonl file (NSMC: document, found without it)."))


def gather_texts(texts: list[str] | None, file: Path | None, errors: str, allow_empty: bool = False,
                 skipped: list[int] | None = None, numbers: list[int] | None = None,
                 text_col: str | None = None) -> list[str]:
    """The texts a command works on: arguments, ``-f FILE`` (its ``text_col`` column, for a table), or ``-`` for
    stdin.

    Empty or whitespace-only texts given as arguments are refused (a text is the subject);
    ``allow_empty`` keeps them (commands whose output says so per line). The numbers of the blank lines a
    file's reading skipped are added to ``skipped`` (for a ``--json`` document that says so), and each text's own
    number to ``numbers``: its line in the file (after NSMC's header, say), or its place among the arguments.
    """
    from seqlab.text.tables import iter_texts
    from seqlab.text.unicode import clean_surrogates

    errors = one_of("--errors", errors, ERROR_MODES)
    if file is not None and texts:
        raise UsageError(_("give either TEXT arguments or -f FILE, not both"))
    if text_col is not None and file is None and texts != ["-"]:
        raise UsageError(_("--text-col names a column of -f FILE, and no file is given"),
                         _("Add -f FILE (a TSV or CSV with a header), or leave --text-col out."))
    if file is not None or texts == ["-"]:
        source = file if file is not None else "-"  # an NSMC file is read by its document column (iter_texts)
        replaced: list[int] = []  # the lines --errors replace changed, found while reading them
        numbered = list(iter_texts(source, text_col, errors, replaced))  # (line in the file, text)
        say_replaced(source, replaced)
        return _texts_of_lines(source, numbered, allow_empty, skipped, numbers)
    if not texts:
        raise UsageError(_("no text given"), _("Give TEXT, -f FILE (one text per line), or - to read stdin."))
    if not allow_empty:
        for k, t in enumerate(texts, start=1):  # of several texts, which one (compare "   " "좋다")
            require_text(t, _("text {k} of {n}").format(k=k, n=len(texts)) if len(texts) > 1 else None)
    if numbers is not None:
        numbers.extend(range(1, len(texts) + 1))
    return [clean_surrogates(t, errors) for t in texts]


def say_replaced(source, bad: list[int]) -> None:
    """--errors replace is said: how many lines of the file were not valid UTF-8, and which."""
    from seqlab.render.console import note

    if bad:
        where = ", ".join(map(str, bad[:10])) + (" …" if len(bad) > 10 else "")
        note(ngettext(
            "note: {n:,} line of {name} is not valid UTF-8: read with U+FFFD in place of the bad bytes (line {where})",
            "note: {n:,} lines of {name} are not valid UTF-8: read with U+FFFD in place of the bad bytes (lines {where})",
            len(bad)).format(n=len(bad), name=_("standard input") if str(source) == "-" else source, where=where))


def _texts_of_lines(source, numbered: list[tuple[int, str]], allow_empty: bool, skipped: list[int] | None = None,
                    numbers: list[int] | None = None) -> list[str]:
    """A file's (or stdin's) numbered lines as texts: none at all is an input error; blank lines are said, by their
    line in the file, then dropped (or, with ``allow_empty``, kept as empty records so that output line k answers
    input line k)."""
    from seqlab.errors import InputError
    from seqlab.render.console import note
    from seqlab.text.unicode import has_visible

    name = _("standard input") if str(source) == "-" else str(source)
    lines = [text for _k, text in numbered]
    blank = [k for k, text in numbered if not has_visible(text)]
    if len(blank) == len(lines):
        raise InputError(_("{name} has no text (no lines, or only blank ones)").format(name=name),
                         _("Give one text per line."))
    if blank:
        where = ", ".join(map(str, blank[:10])) + (" …" if len(blank) > 10 else "")
        # "kept as an empty text" beside predict's "nothing to predict" for it read as a contradiction: its place is kept
        message = (ngettext("note: {n:,} blank line of {name} keeps its place in the output, as an empty text "
                            "(line {where})",
                            "note: {n:,} blank lines of {name} keep their places in the output, as empty texts "
                            "(lines {where})", len(blank))
                   if allow_empty else
                   ngettext("note: {n:,} blank line of {name} skipped (line {where})",
                            "note: {n:,} blank lines of {name} skipped (lines {where})", len(blank)))
        note(message.format(n=len(blank), name=name, where=where))
        if skipped is not None and not allow_empty:
            skipped.extend(blank)
    # a blank line is the empty text the note says, whatever its spaces or tabs ("\t" had tokens and a vector where
    # an empty line had none, and predict skipped both)
    kept = [(k, text if has_visible(text) else "") for k, text in numbered] if allow_empty else \
        [(k, text) for k, text in numbered if has_visible(text)]
    if numbers is not None:
        numbers.extend(k for k, _text in kept)
    return [text for _k, text in kept]


def require_text(text: str, what: str | None = None) -> str:
    """An empty text, or one of only spaces or invisible characters, is an input error (the library's check)."""
    from seqlab.text.unicode import require_text as check

    return check(text, what)


UNUSED_HINT = N_("Leave them out, or choose a task and models that use them (see seqlab train --help).")


def unused(options: dict, what: str, hint: str | None = None) -> None:
    """A usage error naming every option given (not None) that ``what`` does not use (worded as the library's
    refusal of unread fields: :func:`~seqlab.training.option_use.unused_message`)."""
    from seqlab.training.option_use import unused_message

    given = [flag for flag, value in options.items() if value is not None]
    if given:
        raise UsageError(unused_message([(given, what)]), hint or _(UNUSED_HINT))


MAX_K = 1000


def k_opt():
    return typer.Option(10, "-k", "--top", help=_("How many results, 1 to {n}.").format(n=shown_number(MAX_K)))
