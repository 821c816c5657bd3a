"""``seqlab serve``: the local web app."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlab.cli.app import app
from seqlab.errors import UsageError
from seqlab.render.console import console


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Bind address; another host must be asked for explicitly."),
    port: int = typer.Option(8000, "--port"),
    checkpoint: Path = typer.Option(None, "--checkpoint", help="A trained classifier (seqlab train) to predict with."),
    allow_model: list[str] = typer.Option(None, "--allow-model", help="Also offer this hub id or directory."),
    timeout: float = typer.Option(20.0, "--timeout", help="Seconds each request may take."),
):
    """Start the web app (FastAPI on uvicorn) and print its URL. Everything works offline."""
    import uvicorn

    from seqlab.web.app import create_app
    from seqlab.web.service import ServeConfig

    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a TCP port")
    if checkpoint is not None and not (checkpoint / "config.json").exists():
        raise UsageError(f"--checkpoint {checkpoint} is not a seqlab run directory (no config.json)")
    config = ServeConfig(host=host, port=port, allow_models=tuple(allow_model or ()), checkpoint=checkpoint,
                         timeout_s=timeout)
    if host not in ("127.0.0.1", "localhost", "::1"):
        console(stderr=True).print(f"[yellow]serving on {host}: other machines can reach this server[/]")
    console().print(f"seqlab is running at http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/ "
                    "(Ctrl+C to stop)", highlight=False)
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")
