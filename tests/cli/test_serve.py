"""``seqlab serve`` as a user starts it: the address it prints must answer.

The address was printed about 25 s before the port accepted connections (the models load first), so a browser
opened at once was refused. Both halves are checked in-process (a real start loads every model: 15 s more).
"""

import asyncio
import socket
import threading
import time

from tests.web.conftest import free_port


def test_serve_says_it_is_starting_and_prints_no_address_before_the_server_runs(cli, capsys, monkeypatch):
    import uvicorn

    printed_before_run = []

    def run(self, sockets=None):  # instead of serving: what had been printed by then
        printed_before_run.append(capsys.readouterr().out)
        self.should_exit = True  # the announcing thread stops waiting

    monkeypatch.setattr(uvicorn.Server, "run", run)
    code, _, _ = cli("serve", "--port", str(free_port()), "--lang", "en")
    assert code == 0 and "starting seqlab" in printed_before_run[0]
    assert "running at" not in printed_before_run[0]  # failed before the fix


def test_the_announcement_speaks_the_language_of_the_command(cli, capsys, monkeypatch):
    """`serve --lang ko` printed "seqlab is running at …" in English: the waiting thread had no language."""
    import uvicorn

    def run(self, sockets=None):  # started at once; the announcing thread prints, then the server stops
        self.started = True
        seen, deadline = "", time.time() + 10
        while "http://" not in seen and time.time() < deadline:
            time.sleep(0.05)
            seen += capsys.readouterr().out
        printed.append(seen)
        self.should_exit = True

    printed: list[str] = []
    monkeypatch.setattr(uvicorn.Server, "run", run)
    code, _, _ = cli("serve", "--port", str(free_port()), "--lang", "ko")
    assert code == 0 and printed and "실행 중" in printed[0] and "running at" not in printed[0], printed


def test_the_announcement_comes_when_the_port_accepts_connections():
    import uvicorn

    from seqlab.cli.web_cmd import announce_when_ready

    async def app(scope, receive, send):  # a lifespan that takes a while, like the models' loading
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await asyncio.sleep(1.0)
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    answered = []

    def announce():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                answered.append(True)
        except OSError:
            answered.append(False)

    announce_when_ready(server, announce)
    started = time.monotonic()
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not answered and time.monotonic() - started < 30:
        time.sleep(0.05)
    server.should_exit = True
    thread.join(timeout=10)
    assert answered == [True]
    assert time.monotonic() - started >= 1.0  # after the slow start-up, not before it


def test_serve_engine_reaches_the_server_and_a_wrong_one_is_refused_up_front(cli, monkeypatch):
    import uvicorn

    configs = []

    def run(self, sockets=None):  # instead of serving: the app's configuration
        configs.append(self.config.app.state.service.config)
        self.should_exit = True

    monkeypatch.setattr(uvicorn.Server, "run", run)
    for given, onnx in (("torch", False), ("ONNX", True)):
        code, _, _ = cli("serve", "--port", str(free_port()), "--engine", given, "--lang", "en")
        assert code == 0 and configs.pop().onnx is onnx
    code, out, err = cli("serve", "--port", str(free_port()), "--engine", "gpu", "--lang", "en")
    assert code == 2 and "--engine must be one of onnx, torch" in out + err and not configs
