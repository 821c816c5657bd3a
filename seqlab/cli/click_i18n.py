"""The words the command-line parser prints itself (``Usage:``, ``Options``, ``[default: …]``, usage errors), in
seqlab's language.

typer carries its own copy of click, whose help headings and usage errors are
English literals. The CLI therefore (1) formats the ``Usage:`` line and the help
option itself, (2) points typer's own ``_`` at seqlab's catalog (its section
headings, ``default:``, ``required``), and (3) turns each usage error into a
message of its own (:func:`usage_error_message`). Nothing here installs a global
catalog; the language is the one of the current context (:mod:`seqlab.i18n`).
"""

from __future__ import annotations

import re

from seqlab.i18n import N_, _

# typer's own messages (typer.core looks them up with ``_``)
TYPER_MESSAGES = [N_("Arguments"), N_("Options"), N_("Commands"), N_("default: {default}"), N_("required"),
                  N_("env var: {var}"), N_("(dynamic)"), N_("Aborted!"), N_("Missing command."),
                  N_("No such command {name!r}.")]
_done = False


def localize() -> None:
    """Route typer's headings through seqlab's catalog and translate the usage line and the help option (once)."""
    global _done
    if _done:
        return
    import typer.core
    from typer._click import _textwrap, core, formatting

    typer.core._ = _
    # Hangul takes two terminal columns: align the option table and wrap help text by display cells
    formatting.term_len = display_width
    _textwrap.TextWrapper = _cell_wrapper(_textwrap.TextWrapper)

    class Formatter(formatting.HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, _("Usage:") + " " if prefix is None else prefix)

    core.Context.formatter_class = Formatter
    get_help_option = core.Command.get_help_option

    def translated_help_option(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    core.Command.get_help_option = translated_help_option
    short_help = core.Command.get_short_help_str

    def two_lines_of_short_help(self, limit: int = 45) -> str:
        # a command list gives each description one line (the terminal's width less the names) and cuts it with
        # "..."; the list wraps them anyway, so two lines' worth keeps most first sentences whole (Korean ones are
        # twice as wide)
        return short_help(self, 2 * limit)

    core.Command.get_short_help_str = two_lines_of_short_help
    _done = True


def display_width(text: str) -> int:
    """Terminal columns of ``text`` (wide East Asian characters count two; ANSI colour codes none)."""
    from rich.cells import cell_len

    return cell_len(_ANSI.sub("", text))


_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")


def _cell_wrapper(base):
    """click's TextWrapper, measuring lines in terminal columns instead of characters."""

    class CellWrapper(base):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("break_on_hyphens", False)  # klue/bert-base, --max-length: names stay whole
            super().__init__(*args, **kwargs)

        def _handle_long_word(self, reversed_chunks, cur_line, cur_len, width):
            space_left, word = max(width - cur_len, 1), reversed_chunks[-1]
            cut = 0
            while cut < len(word) and display_width(word[: cut + 1]) <= space_left:
                cut += 1
            cut = max(cut, 1)
            cur_line.append(word[:cut])
            reversed_chunks[-1] = word[cut:]

        def _wrap_chunks(self, chunks):
            lines: list[str] = []
            chunks.reverse()
            while chunks:
                indent = self.subsequent_indent if lines else self.initial_indent
                width = self.width - display_width(indent)
                if self.drop_whitespace and lines and chunks[-1].strip() == "":
                    chunks.pop()
                line, size = [], 0
                while chunks and size + display_width(chunks[-1]) <= width:
                    size += display_width(chunks[-1])
                    line.append(chunks.pop())
                if chunks and display_width(chunks[-1]) > width:
                    self._handle_long_word(chunks, line, size, width)
                if self.drop_whitespace and line and line[-1].strip() == "":
                    line.pop()
                if line:
                    lines.append(indent + "".join(line))
            return lines

    return CellWrapper


_VALUE = re.compile(r"^Value (?P<value>.+) is not a valid (?P<type>\w+)\.$")
_PYDANTIC = re.compile(r"^Input should be a valid (?P<type>\w+)")
_EXISTS = re.compile(r"^\w+ (?P<value>'.*') does not exist\.$")
_REQUIRES = re.compile(r"^Option '(?P<name>[^']+)' requires (an argument|\d+ arguments)\.$")
_EXTRA = re.compile(r"^Got unexpected extra argument\(s\) \((?P<args>.*)\)$")
_NO_OPTION = re.compile(r"^No such option: (?P<name>.+)$")
_SUGGESTED = re.compile(r"^(?P<message>.*?)\.? Did you mean (?P<names>.+)\?$", re.DOTALL)  # typer's, after a command


def _type_name(name: str) -> str:
    return {"int": _("a whole number"), "integer": _("a whole number"), "float": _("a number"),
            "number": _("a number"),
            "bool": _("true or false"), "boolean": _("true or false")}.get(name, name)


def _given_value(argv, param) -> str | None:
    """What the command line gave param (an option's value), for a message that quotes it; None if not found."""
    names = [name for name in getattr(param, "opts", ()) if name.startswith("-")]
    given = None
    for i, arg in enumerate(argv or ()):
        if arg == "--":
            break
        for name in names:
            if arg == name and i + 1 < len(argv):
                given = argv[i + 1]
            elif arg.startswith(name + "="):
                given = arg[len(name) + 1:]
    return given


def usage_error_message(exc, argv=None) -> str:
    """The message of a click usage error, in the interface language (argv: the command line, to quote a value)."""
    from typer._click import exceptions

    hint = exc.param_hint if getattr(exc, "param_hint", None) else None
    param = getattr(exc, "param", None)
    if hint is None and param is not None:
        hint = param.get_error_hint()
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(repr(x) for x in hint)
    if isinstance(exc, exceptions.MissingParameter):
        kind = getattr(exc, "param_type", None) or (param.param_type_name if param is not None else "parameter")
        what = {"argument": _("argument"), "option": _("option")}.get(kind, _("parameter"))
        return _("missing {what} {name}").format(what=what, name=hint or "")
    if isinstance(exc, exceptions.NoSuchOption):
        m = _NO_OPTION.match(exc.message)
        text = _("no such option: {name}").format(name=m.group("name") if m else exc.option_name)
        if exc.possibilities:
            text += " " + _("(did you mean {options}?)").format(options=", ".join(sorted(exc.possibilities)))
        elif not re.fullmatch(r"--?[A-Za-z][A-Za-z0-9-]*", exc.option_name or ""):  # "-남자", "-5도": text, not options
            command = exc.ctx.command_path if getattr(exc, "ctx", None) is not None else "seqlab"
            text += "\n" + _("Text that starts with - is read as an option: put -- before the text, as in "
                              "{command} -- \"-5도\".").format(command=command)
        return text
    message, suggestion = exc.message, ""
    m = _SUGGESTED.match(message)
    if m:  # "No such command 'x'. Did you mean 'y'?": the first part is translated already, typer adds the rest
        names = ", ".join(name.strip().strip("'") for name in m.group("names").split(","))
        message, suggestion = m.group("message").rstrip(".") + ".", " " + _("(did you mean {options}?)").format(
            options=names)
    m = _PYDANTIC.match(message)
    if m:  # pydantic's message does not quote the value: the command line has it
        given = _given_value(argv, param)
        message = (_("expected {kind}").format(kind=_type_name(m.group("type"))) if given is None else
                   _("expected {kind}, got {value!r}").format(kind=_type_name(m.group("type")), value=given))
    for pattern, template in ((_VALUE, None), (_EXISTS, _("{value} does not exist")),
                              (_REQUIRES, _("option {name} needs a value")), (_EXTRA, _("unexpected extra argument(s): "
                                                                                        "{args}"))):
        m = pattern.match(message)
        if m:
            if pattern is _VALUE:
                message = _("{value} is not {kind}").format(value=m.group("value"), kind=_type_name(m.group("type")))
            else:
                message = template.format(**m.groupdict())
            break
    if isinstance(exc, exceptions.BadParameter) and hint:
        return _("invalid value for {name}: {message}").format(name=hint, message=message)
    return message + suggestion


def help_line_of(ctx) -> str | None:
    """"Try 'seqlab tokenize --help' for help." for the command of ctx; None without one."""
    if ctx is None or ctx.command.get_help_option(ctx) is None:
        return None
    return _("Try '{command} --help' for help.").format(command=ctx.command_path)
