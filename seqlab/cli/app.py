"""The ``seqlab`` typer application: built per run, in the language chosen for it, from the command modules.

Each ``*_cmd`` module has a ``register(app)`` function that defines its commands;
:func:`build_app` calls them in pipeline order. Building the app after the
language is chosen puts every ``--help`` in that language.
"""

from __future__ import annotations

import typer

from seqlab.i18n import _


def version_callback(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:  # a trial parse (main's checks before the real one) prints nothing
        from seqlab import __version__

        print(f"seqlab {__version__}")
        raise typer.Exit()


def build_app() -> typer.Typer:
    from seqlab.cli import (
        explain_cmd,
        lab_cmd,
        models_cmd,
        tokens_cmd,
        trace_cmd,
        train_cmd,
        vectors_cmd,
        web_cmd,
        words_cmd,
    )
    from seqlab.cli.options import check_lang, lang_opt

    app = typer.Typer(name="seqlab", add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                      rich_markup_mode=None,
                      help=_("Korean-first NLP pipeline with every number visible: "
                             "text → tokens → ids → vectors → sequence models."))

    @app.callback()
    def root(version: bool = typer.Option(False, "--version", callback=version_callback, is_eager=True,
                                          help=_("Print the version and exit.")),
             lang: str = lang_opt()):
        check_lang(lang)

    for module in (explain_cmd, tokens_cmd, models_cmd, vectors_cmd, words_cmd, trace_cmd, lab_cmd, train_cmd,
                   web_cmd):
        module.register(app)
    return app


def argument_names() -> dict[str, str]:
    """Placeholders of the positional arguments in usage lines, in the interface language."""
    return {"texts": _("TEXT"), "text": _("TEXT"), "term": _("TERM"), "cell": _("CELL"), "a": "A", "b": "B", "query": _("QUERY"),
            "word": _("WORD"), "expression": _("EXPRESSION"), "items": _("ITEM"), "run_dir": _("RUN_DIR"),
            "questions": _("QUESTIONS"), "name": _("NAME"), "data": _("DATA")}


def refuse_empty(param, process_value):
    """An option's value processing that first refuses an empty or blank value as given (``-m ''`` is a mistake,
    not "the default"; ``-o ''`` would become the current folder)."""
    from typer._click import exceptions

    def check(ctx, value):
        given = value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(v, str) and not v.strip() for v in given):
            message = (_("the value is empty: give one") if param.required else
                       _("the value is empty: give one, or leave the option out for its default"))
            raise exceptions.BadParameter(message, ctx=ctx, param=param)
        return process_value(ctx, value)

    return check


def build_command():
    """The click command of :func:`build_app`, with plain placeholders in ``--help`` (``PATH``, ``N``) rather
    than Python types (``<path>``, ``<int>``)."""
    from pathlib import Path
    from typing import get_args

    from seqlab.cli.click_i18n import localize

    localize()
    command = typer.main.get_command(build_app())
    ARGUMENT_NAMES = argument_names()

    def metavar(param) -> str:
        desc = param.type_descriptor
        kind = (get_args(desc.annotation) or (desc.annotation,))[0] if desc.is_list else desc.annotation
        if desc.is_path or kind is Path:
            name = _("PATH")
        elif kind is int:
            name = "N"
        elif kind is float:
            name = _("NUMBER")
        else:
            name = _("VALUE")  # not TEXT: in Korean 텍스트 read as the input text (--model 텍스트)
        return name  # a list option takes one value per flag (-f a -f b): "PATH..." would promise -f a b

    def fix(cmd) -> None:
        # the usage line's placeholders, in the interface's language: "Usage: seqlab tokenize [OPTIONS] [TEXT]..."
        cmd.options_metavar = _("[OPTIONS]")
        if hasattr(cmd, "subcommand_metavar"):
            cmd.subcommand_metavar = _("COMMAND [ARGS]...")
        for param in cmd.params:
            if param.metavar is None and param.param_type_name == "option" and not param.is_flag:
                param.metavar = metavar(param)
                if param.multiple and param.help:
                    flag = min(param.opts, key=len)
                    param.help += " " + _("Repeat the option for more: {flag} A {flag} B.").format(flag=flag)
            if param.param_type_name == "option" and not param.is_flag:
                param.process_value = refuse_empty(param, param.process_value)
            if param.param_type_name == "argument":
                param.metavar = ARGUMENT_NAMES.get(param.name, param.name.upper())
                param.display_type_rich = lambda ctx: None  # the placeholder says it; no "<list[str]>" beside it
                # click's usage convention: TEXT (required), [TEXT] (optional); not typer's {TEXT}
                shown = param.metavar if param.required else f"[{param.metavar}]"
                param._usage_display_name = (lambda shown=shown, many=param.nargs != 1: shown + "..." * many)
        for sub in getattr(cmd, "commands", {}).values():
            fix(sub)

    fix(command)
    return command
