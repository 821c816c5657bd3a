"""Options every command shares, and the up-front checks every command makes the same way.

Options are built by functions, called when the commands are registered, so
that their help is in the language chosen for this run (see :mod:`seqlab.i18n`).
"""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.errors import UsageError
from seqlab.i18n import LANGUAGES, _


def model_opt():
    return typer.Option(None, "--model", "-m", help=_("e5-small (default), minilm, kiwi, char, whitespace, "
                                                      "a hub id such as klue/bert-base, or a local directory."))


def file_opt():
    return typer.Option(None, "--file", "-f", help=_("Read texts from FILE, one per line (- for stdin)."))


def errors_opt():
    return typer.Option("strict", "--errors", help=_("strict: stop at invalid UTF-8/surrogates; replace: use U+FFFD."))


def json_opt():
    return typer.Option(False, "--json", help=_("Print JSON for scripts (one object per text, or one document)."))


def markdown_opt():
    return typer.Option(False, "--markdown", help=_("Print Markdown."))


def norm_opt():
    return typer.Option("NFC", "--normalization", help=_("Unicode form applied first: NFC, NFKC, NFD, NFKD or none."))


def vocab_opt():
    return typer.Option(None, "--vocab", help=_("Vocabulary JSON for kiwi/char/whitespace (default: built from "
                                               "wordfreq)."))


def lang_opt():
    """``--lang``: the language was chosen before the commands were built (:func:`seqlab.cli.main.main`);
    here it is declared, so that it shows in every ``--help`` and is checked like any option."""
    return typer.Option(None, "--lang", help=_("Interface language: ko or en (default: SEQLAB_LANG, then the "
                                              "locale)."), show_default=False)


def group(help: str) -> typer.Typer:
    """A command group (``seqlab vocab``, ``seqlab data``...) that accepts ``--lang`` like every command."""
    sub = typer.Typer(help=help, no_args_is_help=True)

    @sub.callback()
    def callback(lang: str = lang_opt()):
        check_lang(lang)

    return sub


def prefix_opt():
    return typer.Option("none", "--prefix", help=_("e5 input prefix: query, passage or none."))


PREFIXES = {"none": "", "query": "query: ", "passage": "passage: "}


def prefix_text(name: str) -> str:
    """The text an e5 ``--prefix`` name stands for."""
    if name not in PREFIXES:
        raise UsageError(_("unknown prefix {name!r}").format(name=name), _("Use --prefix query, passage or none."))
    return PREFIXES[name]


def in_range(option: str, value, low=None, high=None) -> None:
    """Exit 2 with a usage error naming the option and its range when ``value`` is outside [low, high]."""
    if value is None:
        return
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            bounds = _("at least {low}").format(low=low)
        elif low is None:
            bounds = _("at most {high}").format(high=high)
        else:
            bounds = _("between {low} and {high}").format(low=low, high=high)
        raise UsageError(_("{option} must be {bounds}, got {value}").format(option=option, bounds=bounds, value=value))


def one_of(option: str, value: str | None, choices) -> None:
    if value is not None and value not in choices:
        raise UsageError(_("{option} must be one of {choices}, got {value!r}").format(
            option=option, choices=", ".join(choices), value=value))


def exclusive(**flags: bool) -> None:
    on = [name for name, value in flags.items() if value]
    if len(on) > 1:
        raise UsageError(_("choose one output format, not {formats}").format(
            formats=_(" and ").join("--" + n for n in on)))


def check_normalization(form: str) -> None:
    from seqlab.text.unicode import FORMS

    one_of("--normalization", form, FORMS)


def check_lang(lang: str | None) -> None:
    one_of("--lang", lang, LANGUAGES)


def csv_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def gather_texts(texts: list[str] | None, file: Path | None, errors: str, allow_empty: bool = False) -> list[str]:
    """The texts a command works on: arguments, ``-f FILE``, or ``-`` for stdin.

    Empty or whitespace-only texts given as arguments are refused (a text is the subject);
    ``allow_empty`` keeps them (commands whose output says so per line).
    """
    from seqlab.text.reading import read_lines
    from seqlab.text.unicode import clean_surrogates

    one_of("--errors", errors, ("strict", "replace"))
    if file is not None and texts:
        raise UsageError(_("give either TEXT arguments or -f FILE, not both"))
    if file is not None:
        return read_lines(file, errors)
    if texts == ["-"]:
        return read_lines("-", errors)
    if not texts:
        raise UsageError(_("no text given"), _("Give TEXT, -f FILE (one text per line), or - to read stdin."))
    if not allow_empty:
        for t in texts:
            require_text(t)
    return [clean_surrogates(t, errors) for t in texts]


def require_text(text: str, what: str | None = None) -> str:
    """An empty or whitespace-only text is an input error wherever a text is the subject."""
    from seqlab.errors import InputError

    if not text.strip():
        raise InputError(_("{what} is empty").format(what=what or _("the text")),
                         _("Give a text with at least one visible character."))
    return text
