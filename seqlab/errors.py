"""Errors a user can act on.

Every failure the user can fix is raised as a :class:`SeqlabError`. The CLI and
the web app print its message (and hint) without a traceback and use its exit
code: 1 for bad input or an unavailable model, 2 for a usage error.
"""

from __future__ import annotations


class SeqlabError(Exception):
    """A failure with a message that says what was expected, what came, and what to do."""

    exit_code = 1
    page_hint: str | None = None  # the hint for the web page, where a command-line option would mean nothing

    def __init__(self, message: str, hint: str | None = None, *, option: str | tuple[str, ...] | None = None,
                 cli_hint: str | None = None, page_hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint  # in the library's words: Python arguments (input_dim=, errors="replace")
        # The library speaks of its arguments; the command line of its options. ``option`` is the argument the
        # message names, or the arguments, in the order it names them (the CLI writes its own option, --input-dim,
        # in place of each) and ``cli_hint`` the hint worded for the command line, when it differs.
        self.option = option
        self.cli_hint = cli_hint
        if page_hint is not None:
            self.page_hint = page_hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"

    def details(self) -> dict:
        """Facts a script can act on, beyond the message (``--json`` prints them as ``detail``)."""
        return {}

    def to_dict(self) -> dict:
        """The error as ``--json`` prints it on stdout, shaped like the web API's error bodies."""
        record = {"error": self.message, "hint": self.hint, "exit_code": self.exit_code}
        if self.details():
            record["detail"] = self.details()
        return record


class InputError(SeqlabError):
    """The text, file or option value given cannot be used."""


class DamagedFile(InputError):
    """A file seqlab wrote (a run's JSON, its weights, a manifest) that no longer reads: the cause in the user's
    words, the library's own words kept in ``detail`` for a script or a bug report."""

    def __init__(self, message: str, hint: str | None = None, reason: str = "", *, cli_hint: str | None = None):
        super().__init__(message, hint, cli_hint=cli_hint)
        self.reason = reason

    def details(self) -> dict:
        return {"reason": self.reason} if self.reason else {}


def json_problem(exc: Exception) -> str:
    """What is wrong with a JSON file, in the user's language: where its JSON breaks, or that it is not UTF-8."""
    from seqlab.i18n import _

    if hasattr(exc, "lineno") and hasattr(exc, "colno"):  # json.JSONDecodeError
        return _("it is not valid JSON (line {line}, column {column})").format(line=exc.lineno, column=exc.colno)
    if isinstance(exc, UnicodeDecodeError):
        return _("it is not UTF-8 text")
    return type(exc).__name__


class ModelUnavailable(SeqlabError):
    """A model name that is neither embedded, installed, cached nor reachable."""


class UsageError(SeqlabError):
    """The command line itself is wrong (exit code 2, like argparse and click)."""

    exit_code = 2


class NoVectors(UsageError, ModelUnavailable):
    """A tokenizer-only model (kiwi, char, whitespace) named where vectors are needed: a usage error (exit code 2)
    in every command, as a model without word vectors is; still a :class:`ModelUnavailable` for library callers."""


def check_number(name: str, value, low=None, high=None, whole: bool = False, error: type[SeqlabError] = InputError):
    """Raise ``error`` naming ``name`` and its range when ``value`` is not a number in [low, high] (None: allowed).

    The one range check of the library and the CLI (which passes ``--epochs`` and :class:`UsageError`), so that an
    option and the parameter behind it are refused the same way.

    >>> check_number("epochs", 0, 1, 100)
    Traceback (most recent call last):
    seqlab.errors.InputError: epochs must be between 1 and 100, got 0
    """
    import math
    import numbers

    from seqlab.i18n import _

    if value is None:
        return
    kind = numbers.Integral if whole else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        message = _("{option} must be a whole number, got {value!r}") if whole else \
            _("{option} must be a number, got {value!r}")
        raise error(message.format(option=name, value=value), option=name)
    if not isinstance(value, numbers.Integral) and not math.isfinite(value):  # isfinite(10**400) overflows
        message = _("{option} must be a finite number, got {value}") if math.isnan(value) else \
            _("{option} must be a finite number, got {value} (a number beyond about ±1.8e308, such as 1e400, reads as "
              "infinity)")
        raise error(message.format(option=name, value=value), option=name)
    if (low is not None and value < low) or (high is not None and value > high):
        low, high, shown = shown_number(low), shown_number(high), shown_number(value)  # 1,000,000, as help writes it
        if high is None:
            bounds = _("at least {low}").format(low=low)
        elif low is None:
            bounds = _("at most {high}").format(high=high)
        else:
            bounds = _("between {low} and {high}").format(low=low, high=high)
        raise error(_("{option} must be {bounds}, got {value}").format(option=name, bounds=bounds, value=shown),
                    option=name)


def canonical(value, choices):
    """``value`` as ``choices`` spell it when it differs only in case (``"nfkc"`` is ``"NFKC"``, ``"MEAN"`` is
    ``"mean"``: the lecture and the help write them both ways); anything else as given, for the caller's check.

    >>> canonical("nfkc", ("NFC", "NFKC", "none")), canonical("MEAN", ("mean", "max")), canonical("x", ("a",))
    ('NFKC', 'mean', 'x')
    """
    if isinstance(value, str):
        for choice in choices:
            if isinstance(choice, str) and value.lower() == choice.lower():
                return choice
    return value


def check_choice(name: str, value, choices, error: type[SeqlabError] = InputError, hint: str | None = None,
                 cli_hint: str | None = None):
    """``value`` as ``choices`` spell it (any case, :func:`canonical`), or ``error`` naming ``name`` and the choices.

    The one check of a choice in the library and the CLI (which passes ``--cell`` and :class:`UsageError`).

    >>> check_choice("loss", "FULL", ("constrained", "full"))
    'full'
    """
    from seqlab.i18n import _

    meant = canonical(value, choices)
    if meant not in choices:
        raise error(_("{option} must be one of {choices}, got {value!r}").format(
            option=name, choices=", ".join(choices), value=value), hint, option=name, cli_hint=cli_hint)
    return meant


def check_flag(name: str, value, none: bool = False) -> bool | None:
    """``value`` if it is True or False (or None, where ``none`` allows it), else an :class:`InputError` naming
    ``name``: bidirectional="no" and normalize="no" were true values, layers="yes" a TypeError deep in transformers.

    >>> check_flag("layers", False)
    False
    """
    from seqlab.i18n import _

    if isinstance(value, bool) or (none and value is None):
        return value
    if type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_"):  # np.True_, as the scratch
        return bool(value)  # layers take it (errors imports no NumPy)
    raise InputError(_("{name} must be True or False, got {value!r}").format(name=name, value=value),
                     _("Pass {name}=True or {name}=False.").format(name=name), option=name)


def check_path(name: str, value):
    """``value`` as a :class:`~pathlib.Path` if it is a path (a str or an ``os.PathLike``), else an
    :class:`InputError` naming ``name``: None and 5 were pathlib's "expected str, bytes or os.PathLike object"
    with no word of which argument.

    >>> check_path("data", "train.tsv").name
    'train.tsv'
    """
    import os
    from pathlib import Path

    from seqlab.i18n import _

    if isinstance(value, (str, os.PathLike)) and not isinstance(value, bytes) and str(value).strip():
        return Path(value)
    raise InputError(_("{name} must be the path of a file or folder, got {value!r}").format(name=name, value=value),
                     _("Pass a str or a pathlib.Path."), option=name)


def shown_number(value):
    """A number as the help writes it: 1,000,000 for a whole number, 1e-8 and 0 (not 1e-08 and 0.0) for others."""
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= 10**15:  # a number pasted by mistake: its size, not 400 digits
            digits = str(abs(value))
            return ("-" if value < 0 else "") + f"{digits[0]}.{digits[1:3]}e{len(digits) - 1}"
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:g}".replace("e-0", "e-")
    return value
