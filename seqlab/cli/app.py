"""The typer application, its error handling and the options every command shares.

Exit codes: 0 ok, 1 bad input or unavailable model, 2 usage error. A user never
sees a traceback; ``SEQLAB_DEBUG=1`` re-raises unexpected errors.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from seqlab.errors import SeqlabError, UsageError
from seqlab.render.console import console, ensure_utf8_stdio

app = typer.Typer(
    name="seqlab", add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Korean-first NLP pipeline with every number visible: text → tokens → ids → vectors → sequence models.",
)

ModelOpt = typer.Option(None, "--model", "-m", help="e5-small (default), minilm, kiwi, char, whitespace, "
                        "a hub id such as klue/bert-base, or a local directory.")
FileOpt = typer.Option(None, "--file", "-f", help="Read texts from FILE, one per line (- for stdin).")
ErrorsOpt = typer.Option("strict", "--errors", help="strict: stop at invalid UTF-8/surrogates; replace: use U+FFFD.")
JsonOpt = typer.Option(False, "--json", help="Print JSON (one object per line) for scripts.")
MarkdownOpt = typer.Option(False, "--markdown", help="Print Markdown.")
NormOpt = typer.Option("NFC", "--normalization", help="Unicode form applied first: NFC, NFKC, NFD, NFKD or none.")
VocabOpt = typer.Option(None, "--vocab", help="Vocabulary JSON for kiwi/char/whitespace (default: built from wordfreq).")


def gather_texts(texts: list[str] | None, file: Path | None, errors: str) -> list[str]:
    """The texts a command works on: arguments, ``-f FILE``, or ``-`` for stdin."""
    from seqlab.text.reading import read_lines
    from seqlab.text.unicode import clean_surrogates

    if file is not None and texts:
        raise UsageError("give either TEXT arguments or -f FILE, not both")
    if file is not None:
        return read_lines(file, errors)
    if texts == ["-"]:
        return read_lines("-", errors)
    if not texts:
        raise UsageError("no text given", "Give TEXT, -f FILE (one text per line), or - to read stdin.")
    return [clean_surrogates(t, errors) for t in texts]


def exclusive(**flags: bool) -> None:
    on = [name for name, value in flags.items() if value]
    if len(on) > 1:
        raise UsageError(f"choose one output format, not {' and '.join('--' + n for n in on)}")


def _print_error(exc: SeqlabError) -> None:
    err = console(stderr=True)
    err.print(f"[bold red]error:[/] {exc.message}", markup=True, highlight=False, soft_wrap=True)
    if exc.hint:
        err.print(exc.hint, markup=False, highlight=False, soft_wrap=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``seqlab`` console script."""
    from seqlab.cli import commands  # noqa: F401  registers every command

    ensure_utf8_stdio()
    debug = os.environ.get("SEQLAB_DEBUG", "") not in ("", "0")
    try:
        # standalone mode: typer/click print usage errors themselves and exit with 2
        app(args=argv, prog_name="seqlab")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except SeqlabError as exc:
        if debug:
            raise
        _print_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        console(stderr=True).print("interrupted")
        return 130
    except BrokenPipeError:  # e.g. `seqlab tokenize -f big.txt --json | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: say so plainly, keep the traceback for SEQLAB_DEBUG=1
        if debug:
            raise
        _print_error(SeqlabError(f"internal error: {type(exc).__name__}: {exc}",
                                 "This is a bug in seqlab. Run again with SEQLAB_DEBUG=1 to see the traceback."))
        return 1
    return 0
