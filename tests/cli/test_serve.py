"""``seqlab serve`` as a user starts it: the address it prints must answer.

The address was printed about 25 s before the port accepted connections (the models load first), so a browser
opened at once was refused. Both halves are checked in-process (a real start loads every model: 15 s more).
"""

import asyncio
import re
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


def test_an_option_followed_by_another_option_is_said_to_need_a_value(cli):
    """`serve --engine --lang ko` said "unexpected extra argument: ko": --engine had taken --lang as its value."""
    code, out, err = cli("serve", "--engine", "--lang", "ko")
    assert code == 2 and "--engine 옵션에는 값이 필요합니다" in out + err and "ko" not in (out + err).split("\n")[0]
    code, out, err = cli("tokenize", "--model", "--json", "안녕", "--lang", "en")
    assert code == 2 and "option --model needs a value" in out + err and "followed by --json" in out + err
    code, out, err = cli("tokenize", "-m", "char", "--json", "안녕", "--lang", "en")
    assert code == 0  # a value that is no option is still a value


def test_the_terminal_says_when_onnx_runtime_takes_over_or_why_not():
    from seqlab.cli.web_cmd import announce_engine
    from seqlab.web.service import EngineState

    words = {"exporting": "exporting {model}", "ready": "{model} ready after {seconds:.0f} s",
             "failed": "{model} stays on torch: {error}"}
    for end, error in (("ready", None), ("failed", "out of memory")):
        engine, said = EngineState("e5-small"), []
        announce_engine(engine, said.append, words)
        time.sleep(0.3)
        engine.state = "exporting"
        time.sleep(0.5)
        engine.error, engine.state = error, end
        deadline = time.time() + 5
        while len(said) < 2 and time.time() < deadline:
            time.sleep(0.05)
        assert said[0] == "exporting e5-small"
        assert (re.fullmatch(r"e5-small ready after [01] s", said[1]) if end == "ready"
                else said[1] == "e5-small stays on torch: out of memory"), said


def test_serve_lang_is_the_pages_language_too_unless_the_browser_page_chose_one(cli, monkeypatch):
    """A teacher started `serve --lang ko`; the projector's English browser got the English page."""
    import uvicorn
    from fastapi.testclient import TestClient

    from seqlab.web.guard import choose_language

    configs = []

    def run(self, sockets=None):
        configs.append(self.config.app)
        self.should_exit = True

    monkeypatch.setattr(uvicorn.Server, "run", run)
    for args, lang in ((["serve", "--lang", "ko"], "ko"), (["--lang", "ko", "serve"], "ko"), (["serve"], None)):
        code, _, err = cli(*args, "--port", str(free_port()), "--engine", "torch")
        assert code == 0, err
        app = configs.pop()
        assert app.state.service.config.lang == lang
    english = {"accept-language": "en-US,en;q=0.9"}
    assert choose_language({}, english, "ko") == ("ko", None)
    assert choose_language({"lang": ["en"]}, english, "ko") == ("en", None)  # the page's own choice still wins
    assert choose_language({}, {**english, "cookie": "seqlab_lang=en"}, "ko") == ("en", None)
    assert choose_language({}, english) == ("en", None)
    from tests.web.conftest import make_app

    with TestClient(make_app(lang="ko")) as client:
        page = client.get("/", headers=english).text
        assert '<html lang="ko"' in page


def test_serve_keeps_idle_connections_longer_than_clients_rest(cli, monkeypatch):
    """uvicorn's default closes a connection idle for 5 s, just when a student's page or a client honouring
    Retry-After sends on it again: the request then gets no answer (ReadError in the bench's closed loop)."""
    import uvicorn

    from seqlab.web.app import KEEP_ALIVE_S

    kept = []

    def run(self, sockets=None):
        kept.append(self.config.timeout_keep_alive)
        self.should_exit = True

    monkeypatch.setattr(uvicorn.Server, "run", run)
    code, _, _ = cli("serve", "--port", str(free_port()), "--lang", "en")
    assert code == 0 and kept == [KEEP_ALIVE_S] and KEEP_ALIVE_S > 5
