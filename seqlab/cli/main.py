"""Entry point of the ``seqlab`` console script: language, app, and error handling.

Exit codes (the README lists them): 0 success; 1 the input or the environment is
wrong (a file, a text, a model that is not there); 2 bad usage or an option out
of range. A user never sees a traceback; ``SEQLAB_DEBUG=1`` shows it for bugs.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import sys
from pathlib import Path

from seqlab.errors import SeqlabError, UsageError
from seqlab.i18n import N_, LanguageError, _, choose, from_locale, use_language


def language_flag(argv: list[str]) -> str | None:
    """The value of ``--lang`` in the arguments (the last one wins, as for any option)."""
    return option_value(argv, "--lang")


def wants_json(argv: list[str]) -> bool:
    """``--json`` among the options (before a ``--``)."""
    return "--json" in argv[: argv.index("--")] if "--" in argv else "--json" in argv


def print_error(exc: SeqlabError, as_json: bool = False) -> None:
    """The error on stderr for a person; with ``--json``, also as one JSON object on stdout for a script."""
    from rich.markup import escape

    from seqlab.render.console import console, print_json

    if as_json:
        print_json(exc.to_dict(), flush=True)
    err = console(stderr=True)
    label = _("error:")
    err.print(f"[bold red]{label}[/] {escape(exc.message)}", markup=True, highlight=False, soft_wrap=True)
    if exc.hint:
        err.print(exc.hint, markup=False, highlight=False, soft_wrap=True)


def main(argv: list[str] | None = None) -> int:
    from seqlab.render.console import ensure_utf8_stdio

    ensure_utf8_stdio()
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = os.environ.get("SEQLAB_DEBUG", "") not in ("", "0")
    try:
        lang = choose(language_flag(argv))
    except LanguageError as exc:  # said in the language the rest of the rule gives: SEQLAB_LANG, then the locale
        try:
            said = choose(None)
        except LanguageError:  # SEQLAB_LANG is the bad value, or bad too
            said = from_locale()
        with use_language(said):  # framed and, with --json, as JSON, as every other usage error
            error = UsageError(_("unknown language {value!r} ({source})").format(value=exc.value, source=exc.source),
                               _("Use --lang ko or --lang en."))
            with contextlib.suppress(Exception):  # the frame is a courtesy: the error itself is always said
                error = _framed_usage_error(error, argv)
            print_error(error, as_json=wants_json(argv))
        return 2
    with use_language(lang):
        return _run(argv, debug)


class _StderrNotes(logging.Handler):
    """The library's notes (``logging.getLogger("seqlab").info``: a one-time build, a cache) on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        from seqlab.render.console import console

        console(stderr=True).print(record.getMessage(), highlight=False, markup=False)


def _say_library_notes() -> None:
    from seqlab.notes import CallerConfigured, StderrNotes

    logger = logging.getLogger("seqlab")
    for handler in [h for h in logger.handlers if type(h) is StderrNotes]:  # the library's plain lines: ours instead
        logger.removeHandler(handler)
    for step_aside in [f for f in logger.filters if isinstance(f, CallerConfigured)]:  # its watch for a caller's
        logger.removeFilter(step_aside)  # logging: the command line's notes stay, whatever uvicorn configures
    if not any(isinstance(h, _StderrNotes) for h in logger.handlers):
        logger.addHandler(_StderrNotes())
        logger.setLevel(logging.INFO)


RESUMABLE = {  # command -> how to continue after an interruption, once something was saved
    "train": N_("what was trained up to the last checkpoint is kept: run the same command with --resume to continue."),
    "embed": N_("a corpus job (--out) keeps every finished shard: run the same command again to continue."),
}


def option_value(argv: list[str], *names: str) -> str | None:
    """The value of the last of ``names`` (``--out DIR``, ``--out=DIR``, or for a short name ``-oDIR``) in the
    arguments, read the way click reads them.

    >>> option_value(["train", "-o", "a", "--out=b", "-oc"], "--out", "-o")
    'c'
    """
    value = None
    short = [n for n in names if len(n) == 2 and not n.startswith("--")]
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg in names and i + 1 < len(argv):
            value = argv[i + 1]
        elif "=" in arg and arg.split("=", 1)[0] in names:
            value = arg.split("=", 1)[1]
        elif any(arg.startswith(n) and len(arg) > 2 for n in short):
            value = arg[2:]
    return value


def _saved(command: str, out) -> bool:
    """Whether the interrupted ``command`` left something in ``out`` to continue from."""
    if command == "train":
        from seqlab.cli.train_record import has_progress

        return has_progress(out)
    return out.exists()  # a corpus job's folder holds its finished shards


def _command_word(argv: list[str]) -> str:
    """The command: the first word that is neither an option nor --lang's value ("" for none)."""
    words = iter(argv)
    for word in words:
        if word == "--lang":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return ""


def _say_interrupted(argv: list[str], code: int = 130) -> None:
    from pathlib import Path

    from seqlab.render.console import note

    command = _command_word(argv)
    hint = RESUMABLE.get(command)
    out = option_value(argv, "--out", "-o")
    if hint and out is None:  # embed without --out is no corpus job: nothing to continue
        hint = None if command == "embed" else hint
    elif hint and not _saved(command, Path(out)):
        hint = N_("it stopped before its first checkpoint, so nothing was saved: run the same command again to "
                  "start over.")
    from seqlab.cli.outputs import INTERRUPT_DETAIL, ON_INTERRUPT

    if ON_INTERRUPT:  # what the command itself said it kept (a forecast's LSTM, a word-vector build lost) wins
        hint = ON_INTERRUPT[-1]
    note(_("interrupted") + (" · " + _(hint) if hint else ""))
    if wants_json(argv):  # a script reads one JSON object here too, as for every error (exit code 130)
        from seqlab.render.console import json_line_open, print_json

        if json_line_open():  # the interrupt cut a JSON line: this object starts a line of its own
            sys.stdout.write("\n")
        record = {"error": _("interrupted"), "hint": _(hint) if hint else None, "exit_code": code}
        if INTERRUPT_DETAIL:  # what the command kept and can show (long-term's finished runs)
            record["detail"] = dict(INTERRUPT_DETAIL)
        print_json(record, flush=True)


def _command_context(argv: list[str], at_group: bool = False):
    """The click context of the command that argv names (``seqlab wordvec eval``), parsed with click's
    ``resilient_parsing`` (its errors swallowed); None where argv names no command (``at_group``: the last group's,
    where argv ends at one). It reads the vendored click's ``Context._protected_args``, as click's own group
    invocation does."""
    from typer._click import exceptions as click_errors

    from seqlab.cli.app import build_command

    try:
        ctx = build_command().make_context("seqlab", list(argv), resilient_parsing=True)
        while hasattr(ctx.command, "resolve_command"):
            args = [*ctx._protected_args, *ctx.args]
            if not args:  # the arguments end at a group (`seqlab models --lang`): its context only if asked for
                return ctx if at_group else None
            name, sub, rest = ctx.command.resolve_command(ctx, args)
            if sub is None:
                return None
            ctx = sub.make_context(name, rest, parent=ctx, resilient_parsing=True)
    except click_errors.ClickException:
        return None
    return ctx


def _refuse_repeated(argv: list[str]) -> None:
    """An option that takes one value, given twice: the parser keeps the last and drops the first without a word.
    A second input file (``vocab build -f a.txt -f b.txt``: the user meant both to be read) is refused; any other
    value keeps the common "last one wins" of an override (``$DEFAULTS --epochs 1``), and says so. Options that take
    several values (``tokenizer train -f``) are not affected."""
    from seqlab.cli.options import long_name
    from seqlab.render.console import note

    ctx = _command_context(argv)
    if ctx is None:
        return
    args = argv[: argv.index("--")] if "--" in argv else list(argv)
    start = 0
    for name in ctx.command_path.split()[1:]:  # the command's own options come after its name (--lang: the root's too)
        start = args.index(name, start) + 1 if name in args[start:] else start
    # one pass as the parser reads the arguments: an option that takes a value consumes the next argument, so a value
    # that looks like an option (-f -fx.txt: the file "-fx.txt") is never counted as one
    options = {o: p for p in ctx.command.params if getattr(p, "param_type_name", "") == "option" for o in p.opts}
    seen: dict = {}  # param -> the values given, in order
    k = start
    while k < len(args):
        arg, value = args[k], None
        param = options.get(arg.split("=", 1)[0]) if arg.startswith("--") else options.get(arg[:2])
        if param is None:
            k += 1
            continue
        takes_value = not (param.is_flag or param.count)
        if arg.startswith("--") and "=" in arg:
            value = arg.split("=", 1)[1]
        elif not arg.startswith("--") and len(arg) > 2:  # -fa.txt, -k3: the value attached
            value = arg[2:]
        elif takes_value:
            value = args[k + 1] if k + 1 < len(args) else ""
            if value.split("=", 1)[0] in options or value == "--help":  # --engine --lang ko: not "extra argument ko"
                raise UsageError(_("option {name} needs a value").format(name=arg),
                                 _("It was followed by {option}, another option: give {name} its value first.")
                                 .format(option=value.split("=", 1)[0], name=arg))
            k += 1
        k += 1
        if takes_value and not param.multiple:
            seen.setdefault(param, []).append(value)
    for param, values in seen.items():
        if len(values) < 2:
            continue
        option = long_name(param)
        if param.name in INPUT_FILES:
            raise UsageError(_("{option} was given {n} times; it reads one file, and only the last would be read")
                             .format(option=option, n=len(values)),
                             _("Give {option} once (join the files first, e.g. cat a.txt b.txt > both.txt).")
                             .format(option=option))
        note(_("note: {option} was given {n} times; the last one is used: {value}").format(option=option,
                                                                                        n=len(values), value=values[-1]))


INPUT_FILES = ("file", "data", "data_file", "corpus")  # the parameters that name the one file a command reads


def _in_command_words(exc: SeqlabError, argv: list[str]) -> SeqlabError:
    """A library error in the words of the command line: the Python argument its message names (``input_dim``)
    becomes the command's own option (``--input-dim``), and its hint the one worded for the command line."""
    if exc.cli_hint:
        exc.hint = exc.cli_hint
    names = [exc.option] if isinstance(exc.option, str) else list(exc.option or ())
    names = [name for name in names if not name.startswith("-")]
    if names:
        from seqlab.cli.options import long_name

        ctx = _command_context(argv)
        flags = {p.name: long_name(p) for p in ctx.command.params if getattr(p, "opts", None)} if ctx else {}
        for name in names:  # several: each one's first mention ("layers and long window": --layers and --long)
            flag = flags.get(name)
            if flag and flag.startswith("-"):
                # the argument's name as a word of its own (ASCII bounds: in Korean a particle may follow, "input_dim
                # 값은"), never inside quotes, where the same letters are the user's own value ("unknown errors mode
                # 'errors'")
                exc.message = re.sub(rf"(?<![A-Za-z0-9_'\"-]){re.escape(name)}(?![A-Za-z0-9_'\"])", flag,
                                     exc.message, count=1)
    return exc


def _framed_usage_error(exc: SeqlabError, argv: list[str]) -> SeqlabError:
    """A usage error as the parser shows its own: the command's ``Usage:`` line first (stderr), and the line that
    names its ``--help`` after the hint, so that every exit-2 error of every command reads the same."""
    from seqlab.cli.click_i18n import help_line_of

    ctx = _command_context(argv)
    if ctx is None:
        return exc
    print(ctx.get_usage(), file=sys.stderr)
    help_line = help_line_of(ctx)
    if help_line:
        exc.hint = f"{exc.hint}\n{help_line}" if exc.hint else help_line
    return exc


def _run(argv: list[str], debug: bool) -> int:
    from seqlab.cli.outputs import BACKUPS
    from seqlab.cli.signals import stops_handled

    BACKUPS.clear()
    try:
        with stops_handled(_command_word(argv) != "serve"):  # serve leaves them to uvicorn's graceful stop
            return _run_command(argv, debug)
    finally:  # an output file that exists is kept as NAME.bak only once the output replaced it
        for backup in BACKUPS:
            with contextlib.suppress(OSError):
                kept = backup.settle()
                if kept is not None and kept != backup.backup:  # another run took the name said at the start
                    from seqlab.render.console import note

                    note(_("note: {taken} was taken meanwhile: the old {name} is kept as {kept}").format(
                        taken=backup.backup.name, name=backup.path.name, kept=kept.name))
        BACKUPS.clear()


def _run_command(argv: list[str], debug: bool) -> int:
    from typer._click import exceptions as click_errors
    from typer.exceptions import Abort, Exit

    from seqlab.cli.outputs import INTERRUPT_DETAIL, ON_INTERRUPT
    from seqlab.cli.signals import exit_code
    from seqlab.render.console import note

    ON_INTERRUPT.clear()  # a note belongs to this command only (main may run several in one process)
    INTERRUPT_DETAIL.clear()
    _say_library_notes()
    # the terminal shows seqlab's own notes: transformers' run-time advice would come between them (the library
    # itself quiets only its own model loads, and leaves a notebook's settings alone)
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

    try:
        from seqlab.cli.app import build_command
        from seqlab.cli.click_i18n import usage_error_message

        _refuse_repeated(argv)
        result = build_command().main(args=argv, prog_name="seqlab", standalone_mode=False)
        if result == 130:  # typer returns Ctrl-C (KeyboardInterrupt) as 130 without a word; no command returns it
            result = exit_code()
            _say_interrupted(argv, result)
        return result if isinstance(result, int) else 0
    except click_errors.NoArgsIsHelpError as exc:  # `seqlab` or a group alone: its help, as usage
        print(exc.ctx.get_help(), file=sys.stderr)
        return 2
    except click_errors.UsageError as exc:  # the parser's own errors, in the interface language
        from seqlab.cli.click_i18n import help_line_of

        # an option given without its value (`--max-length` last) is raised with no context: the command's found
        ctx = exc.ctx if exc.ctx is not None else _command_context(argv, at_group=True)
        if ctx is not None:
            print(ctx.get_usage(), file=sys.stderr)
        print_error(UsageError(usage_error_message(exc, argv), help_line_of(ctx)), wants_json(argv))
        return 2
    except click_errors.ClickException as exc:
        print_error(SeqlabError(exc.format_message()), wants_json(argv))
        return exc.exit_code
    except Exit as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # typer turns Ctrl-C (and SIGTERM) into Exit(130): say so
            code = exit_code(exc.__cause__)
            _say_interrupted(argv, code)
            return code
        return exc.exit_code
    except Abort:
        note(_("Aborted!"))
        return 1
    except SeqlabError as exc:
        if debug:
            raise
        exc = _in_command_words(exc, argv)
        if exc.exit_code == 2:  # a usage error of seqlab's own checks, framed as the parser frames its own
            exc = _framed_usage_error(exc, argv)
        print_error(exc, wants_json(argv))
        return exc.exit_code
    except KeyboardInterrupt as exc:
        code = exit_code(exc)
        _say_interrupted(argv, code)
        return code
    except BrokenPipeError:  # e.g. `seqlab tokenize -f big.txt --json | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except SystemExit as exc:  # typer answers a closed pipe (EPIPE) with sys.exit(1): the reader had enough, not an error
        context = exc.__context__
        if isinstance(context, OSError) and context.errno == errno.EPIPE:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0
        raise
    except OSError as exc:  # the environment: a path that cannot be read or written (checked up front where known)
        if debug:
            raise
        from seqlab.text.reading import os_reason

        if exc.filename is None:  # not a path: a socket, a pipe, a limit of the system
            print_error(SeqlabError(_("could not complete: {reason}").format(reason=os_reason(exc)),
                                    _("Run again with SEQLAB_DEBUG=1 to see where it happened.")), wants_json(argv))
            return 1
        from seqlab.storage import seqlab_home

        home = seqlab_home()
        inside = Path(str(exc.filename)).is_relative_to(home)  # seqlab's own data folder, not a path the user typed
        print_error(SeqlabError(_("cannot use {path}: {reason}").format(path=exc.filename, reason=os_reason(exc)),
                                _("It is in seqlab's data folder, {home} (SEQLAB_HOME): set SEQLAB_HOME to a folder "
                                  "you can write, e.g. export SEQLAB_HOME=$HOME/seqlab-data.").format(home=home)
                                if inside else
                                _("Check that the path exists or can be created, that its folder can be written, "
                                  "and that a folder is not given where a file is expected (or the other way).")),
                    wants_json(argv))
        return 1
    except Exception as exc:  # a bug: say so plainly, keep the traceback for SEQLAB_DEBUG=1
        if debug:
            raise
        print_error(SeqlabError(_("internal error: {kind}: {detail}").format(kind=type(exc).__name__, detail=exc),
                                _("This is a bug in seqlab. Run again with SEQLAB_DEBUG=1 to see the traceback.")),
                    wants_json(argv))
        return 1
