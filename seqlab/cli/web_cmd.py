"""``seqlab serve``: the local web app."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.options import check_lang, folded, in_range, one_of
from seqlab.errors import InputError, UsageError
from seqlab.i18n import _, language_code
from seqlab.vectors.limits import EXPORT_SECONDS

ENGINES = ("onnx", "torch")


def register(app: typer.Typer) -> None:
    @app.command(help=_("Start the web app (FastAPI on uvicorn) and print its URL. Everything works offline."))
    def serve(
        ctx: typer.Context,
        host: str = typer.Option("127.0.0.1", "--host", help=_("Bind address; another host must be asked for "
                                                               "explicitly.")),
        port: int = typer.Option(8000, "--port", help=_("TCP port, 1 to 65,535.")),
        checkpoint: Path = typer.Option(None, "--checkpoint", help=_("A trained classifier (seqlab train) to predict "
                                                                     "with."), readable=False),
        allow_model: list[str] = typer.Option(None, "--allow-model", help=_("Also offer this hub id or directory.")),
        timeout: float = typer.Option(20.0, "--timeout", help=_("Seconds each request may take, 1 to 600.")),
        engine: str = typer.Option("onnx", "--engine", callback=folded(ENGINES), metavar="[onnx|torch]",
                                   help=_("What runs the default model's encoder layers: onnx (ONNX Runtime, about "
                                          "twice as fast for one text on a CPU; exported in the background the first "
                                          "time, about {seconds} s, while torch answers) or torch.").format(
                                       seconds=EXPORT_SECONDS)),
        lang: str = typer.Option(None, "--lang", show_default=False, metavar="[ko|en]",
                                 help=_("Interface language: ko or en, in the terminal and, unless the browser's "
                                        "page chooses another (?lang=, its language switch), on the page (default: "
                                        "the terminal's from SEQLAB_LANG, then the locale; the page's from the "
                                        "browser).")),
    ):
        import uvicorn
        from rich.markup import escape

        from seqlab.render.console import console, say
        from seqlab.web.app import KEEP_ALIVE_S, create_app
        from seqlab.web.service import ServeConfig

        check_lang(lang)
        in_range("--port", port, 1, 65535)
        in_range("--timeout", timeout, 1, 600)
        engine = one_of("--engine", engine, ENGINES)
        if checkpoint is not None:  # a path, like predict's RUN_DIR: 1, with the same words (a comparison's runs named)
            from seqlab.training.rundir import RunDir

            RunDir(checkpoint).finished("classify")  # a forecast or seq2seq run is named now, not at /api/predict
        if allow_model:
            from seqlab.pretrained.install import ensure_obtainable
            from seqlab.pretrained.registry import resolve

            for name in allow_model:  # a missing folder, a malformed name or a hub id that cannot be downloaded
                ensure_obtainable(resolve(name))  # (offline, not cached) now, not at the first request
        port_free(host, port)
        config = ServeConfig(host=host, port=port, allow_models=tuple(allow_model or ()), checkpoint=checkpoint,
                             timeout_s=timeout, onnx=engine == "onnx",
                             lang=language_code(lang or ctx.find_root().params.get("lang")))  # given: the page's too
        if host not in ("127.0.0.1", "localhost", "::1"):
            console(stderr=True).print(_("[yellow]serving on {host}: other machines can reach this server[/]").format(
                host=escape(host)))
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        app = create_app(config)
        server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                               timeout_keep_alive=KEEP_ALIVE_S))
        say(_("starting seqlab: loading the models first (up to a minute the first time)…"))
        ready = _("seqlab is running at http://{host}:{port}/ (Ctrl+C to stop)").format(host=shown, port=port)
        announce_when_ready(server, lambda: say(ready))  # worded here: the waiting thread has no language
        if config.onnx:
            announce_engine(app.state.service.engine, say, {
                "exporting": _("preparing {model} for ONNX Runtime in the background (about {about} s the "
                               "first time; torch answers meanwhile)…"),
                "ready": _("{model} now runs its encoder layers in ONNX Runtime ({seconds:.0f} s)"),
                "failed": _("{model} stays on torch: {error}")})
        server.run()


def announce_when_ready(server, announce) -> None:
    """Call ``announce`` once the server accepts connections: the address printed earlier would be refused while
    the models load (about 25 s on a small machine)."""
    import threading
    import time

    def wait() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            announce()

    threading.Thread(target=wait, name="seqlab-announce", daemon=True).start()


def announce_engine(engine, announce, words: dict[str, str]) -> None:
    """Say in the terminal when the default model's switch to ONNX Runtime starts, ends or fails (the server's own log
    is at warning level). ``words``: the three lines, worded by the command (this thread has no language)."""
    import threading
    import time

    def watch() -> None:
        seen, started = "off", time.monotonic()
        while seen not in ("ready", "failed"):
            state = engine.state
            if state != seen:
                seen = state
                if state == "exporting":
                    started = time.monotonic()
                if state in words:
                    announce(words[state].format(model=engine.model, seconds=time.monotonic() - started,
                                                 error=engine.error, about=EXPORT_SECONDS))
            time.sleep(0.2)

    threading.Thread(target=watch, name="seqlab-announce-engine", daemon=True).start()


def port_free(host: str, port: int) -> None:
    """Refuse a port another program holds, before the page's address is printed (uvicorn would end with rc 3)."""
    import errno
    import socket

    from seqlab.text.reading import os_reason

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InputError(_("port {port} is already in use (another seqlab serve?)").format(port=port),
                                 _("Stop the other server, or choose another port: --port {next}").format(
                                     next=port + 1)) from None
            if isinstance(exc, socket.gaierror) or exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
                # a name that does not resolve (999.1.1.1), or an address this machine does not have (10.9.9.9)
                raise UsageError(_("--host {host}: cannot listen there: {reason}").format(
                    host=host, reason=os_reason(exc)),
                    _("Use 127.0.0.1 (this computer only), 0.0.0.0 (every network of this computer) or one of this "
                      "computer's own addresses.")) from None
            if exc.errno == errno.EACCES and port < 1024:
                raise InputError(_("port {port} needs administrator rights on this system").format(port=port),
                                 _("Choose a port from 1024 up, e.g. --port 8000.")) from None
            raise InputError(_("cannot listen on {host}:{port}: {reason}").format(
                host=host, port=port, reason=os_reason(exc)), _("Choose another port, e.g. --port 8000.")) from None
