"""The API at its edges: the Host header (DNS rebinding), and the error bodies /docs describes."""

from fastapi.testclient import TestClient

from tests.web.conftest import make_app


def test_host_header_allowlist():
    app = make_app(host="127.0.0.1", allow_hosts=())
    with TestClient(app, base_url="http://localhost:8000") as c:
        for host in ("localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"):
            assert c.get("/api/models", headers={"host": host}).status_code == 200, host
        for host in ("evil.example", "evil.example:8000", "127.0.0.1.nip.io", "localhost.evil.example"):
            r = c.get("/api/models", headers={"host": host})
            assert r.status_code == 400 and "host" in r.json()["error"], host
    with TestClient(make_app(host="seqlab.lan", allow_hosts=()), base_url="http://seqlab.lan") as c:
        assert c.get("/api/models").status_code == 200  # the --host given is answered too


def test_a_request_without_a_host_header(server):
    """HTTP/1.1 without Host was served (RFC 9112: a server must answer 400); HTTP/1.0 may leave it out."""
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(server)

    def raw(request: bytes) -> bytes:
        with socket.create_connection((where.hostname, where.port), timeout=10) as s:
            s.sendall(request)
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        return data

    answer = raw(b"GET /api/models HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400") and b"no Host header" in answer, answer[:200]
    assert raw(b"GET /api/models HTTP/1.0\r\n\r\n").split(b"\r\n")[0].endswith(b"200 OK")


def test_the_docs_describe_the_error_bodies_the_api_sends(client):
    """/docs and /redoc showed FastAPI's {detail: [{loc, msg, type}]} for 422, which the API never sends, and
    nothing for 400, 413 or 503 (with its Retry-After)."""
    spec = client.get("/openapi.json").json()
    error = spec["components"]["schemas"]["ErrorBody"]
    assert {"error", "hint", "detail"} <= set(error["properties"]) and "HTTPValidationError" not in spec["components"]["schemas"]
    posts = {path: ops["post"] for path, ops in spec["paths"].items() if "post" in ops}
    assert len(posts) >= 10
    for path, op in posts.items():
        for status in ("400", "413", "422", "503"):
            schema = op["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (path, status)
        assert "Retry-After" in op["responses"]["503"]["headers"], path
    # and the body of a real 422 has the documented shape
    bad = client.post("/api/trace", json={"text": "안녕", "hidden": True}).json()
    assert set(bad) <= set(error["properties"]) and set(bad["detail"][0]) == {"loc", "message"}


def test_seed_and_forget_bias_ranges_are_the_clis(client):
    """The API took seeds below 2^31 and forget biases within ±10, where the CLI takes below 2^32 and ±20."""
    assert client.post("/api/trace", json={"text": "안녕", "seed": 2**32 - 1}).status_code == 200
    assert client.post("/api/trace", json={"text": "안녕", "seed": 2**32}).status_code == 422
    body = {"cells": ["lstm"], "steps": 2, "hidden": 2}
    assert client.post("/api/gradflow", json={**body, "forget_bias": 20}).status_code == 200
    assert client.post("/api/gradflow", json={**body, "forget_bias": 20.5}).status_code == 422
    # NaN was refused as "must be at most 20.0, got NaN"
    nan = client.post("/api/gradflow", content='{"cells": ["lstm"], "steps": 2, "hidden": 2, "forget_bias": NaN}',
                      headers={"content-type": "application/json"})
    assert nan.status_code == 422 and "must be a finite number, got NaN" in nan.json()["error"], nan.json()


def test_the_tokenize_panel_and_embed_cut_at_the_same_window(client, monkeypatch):
    """A tokenizer without model_max_length: /api/tokenize said nothing is cut, while /api/embed cut at 512
    (window_records falls back to 512; the panel read the missing attribute as "no window")."""
    import dataclasses

    from seqlab.pretrained import loading

    real = loading.load_tokenizer

    def without_limit(name, *args, **kwargs):
        tok = real(name, *args, **kwargs)
        if name != "minilm":
            return tok
        clone = tok.with_prefix("")
        clone.settings = dataclasses.replace(tok.settings, model_max_length=None)
        return clone

    monkeypatch.setattr(loading, "load_tokenizer", without_limit)
    said = client.post("/api/tokenize", json={"text": "a " * 900, "model": "minilm"}).json()
    assert said["window"] == {"max_length": 512, "dropped": len(said["tokens"]) - 512}


def test_an_analogy_names_every_unknown_word_at_once(client):
    """"abcq + xyzq - 남자" named abcq alone: the student fixed it and was then told about xyzq."""
    r = client.post("/api/analogy", json={"expression": "abcq + xyzq - 남자"})
    assert r.status_code == 400 and "'abcq' is unknown" in r.json()["error"], r.json()
    assert "also unknown: 'xyzq'" in r.json()["error"]


def test_embeds_preview_takes_the_clis_range(client):
    """/api/embed's preview stopped at 384 (e5-small's width) while embed --preview takes 1 to 1,024: a server with
    a 768-wide model allowed could not preview what the CLI does."""
    from seqlab.vectors.limits import PREVIEW_RANGE

    lo, hi = PREVIEW_RANGE
    assert (lo, hi) == (1, 1024)
    r = client.post("/api/embed", json={"text": "좋은 영화", "preview": hi})
    assert r.status_code == 200, r.text
    for bad in (lo - 1, hi + 1):
        assert client.post("/api/embed", json={"text": "좋은 영화", "preview": bad}).status_code == 422


def test_a_tokenizer_only_folder_asked_for_vectors_is_the_requests_fault(tmp_path):
    """A tokenizer-only --allow-model folder answered /api/embed with 404 "not available offline" where the API
    documents 400 for a model without vectors, and its hint named a command-line option (-m FOLDER)."""
    import shutil
    from pathlib import Path

    from fastapi.testclient import TestClient

    import seqlab
    from seqlab.web.app import create_app
    from seqlab.web.service import ServeConfig

    source, folder = Path(seqlab.model_path("minilm")), tmp_path / "tokenizer-only"
    folder.mkdir()
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
        shutil.copy(source / name, folder / name)
    config = ServeConfig(allow_models=(str(folder),), allow_hosts=("testserver",))
    with TestClient(create_app(config, warm=False)) as client:
        answer = client.post("/api/embed?lang=en", json={"text": "안녕", "model": str(folder)})
    assert answer.status_code == 400 and "holds a tokenizer only" in answer.json()["error"], answer.json()
    assert "-m " not in answer.json()["hint"] and "choose a transformer model" in answer.json()["hint"]


def test_a_tokenizer_of_the_registry_is_refused_in_the_librarys_words_with_the_pages_hint(client):
    """The server wrote its own sentence for kiwi's missing vectors ("it has no vectors"), beside the library's."""
    import pytest

    from seqlab.errors import NoVectors
    from seqlab.pretrained.registry import resolve
    from seqlab.vectors.encoder import check_encoder

    with pytest.raises(NoVectors) as refused:
        check_encoder(resolve("kiwi"))
    library = refused.value
    for route, body in (("/api/embed", {"text": "안녕"}), ("/api/similarity", {"a": "안녕", "b": "반가워"}),
                        ("/api/attention", {"text": "안녕"})):
        answer = client.post(route + "?lang=en", json={**body, "model": "kiwi"})
        assert answer.status_code == 400 and answer.json()["error"] == library.message, (route, answer.json())
        assert answer.json()["hint"] == library.page_hint and "choose a transformer model" in library.page_hint.lower()


def test_gradflow_defaults_have_one_owner(client):
    """The command, the API, the page's box and the library said 100 steps and hidden 64 in four places each."""
    import inspect
    import re

    from seqlab.cli.app import build_command
    from seqlab.lab.gradflow import gradflow
    from seqlab.lab.limits import GRADFLOW_DEFAULT_HIDDEN, GRADFLOW_DEFAULT_STEPS
    from seqlab.web.app import STATIC

    schema = client.get("/openapi.json").json()["components"]["schemas"]["GradflowBody"]["properties"]
    assert (schema["steps"]["default"], schema["hidden"]["default"]) == (GRADFLOW_DEFAULT_STEPS, GRADFLOW_DEFAULT_HIDDEN)
    params = inspect.signature(gradflow).parameters
    assert (params["steps"].default, params["hidden"].default) == (GRADFLOW_DEFAULT_STEPS, GRADFLOW_DEFAULT_HIDDEN)
    command = build_command().commands["gradflow"]
    options = {p.name: p.default for p in command.params}
    assert (options["steps"], options["hidden"]) == (GRADFLOW_DEFAULT_STEPS, GRADFLOW_DEFAULT_HIDDEN)
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    assert re.search(r'id="gsteps"[^>]*value="(\d+)"', page).group(1) == str(GRADFLOW_DEFAULT_STEPS)
    from seqlab.web.messages import page_script

    assert "hidden: 64" not in page_script()  # the page sends no hidden size



def test_trace_defaults_have_one_owner(client):
    """The trace's hidden size 4 and seed 0 were written in the library, the command's help, the API's schema and the
    page's boxes: now the library's constants, which each of them says."""
    import re

    from seqlab.cli.app import build_command
    from seqlab.pipeline.limits import TRACE_DEFAULT_HIDDEN, TRACE_DEFAULT_SEED
    from seqlab.pipeline.tracing import run_trace
    from seqlab.web.app import STATIC

    report = run_trace("rnn", "좋다", input_dim=2)
    assert report.weights["W_hh"].shape == (TRACE_DEFAULT_HIDDEN, TRACE_DEFAULT_HIDDEN)
    assert report.seed == TRACE_DEFAULT_SEED
    schema = client.get("/openapi.json").json()["components"]["schemas"]["TraceBody"]["properties"]
    assert f"default {TRACE_DEFAULT_HIDDEN}" in schema["hidden"]["description"]
    assert f"default {TRACE_DEFAULT_SEED}" in schema["seed"]["description"]
    helps = {p.name: p.help for p in build_command().commands["trace"].params}
    assert f"default: {TRACE_DEFAULT_HIDDEN}" in helps["hidden"] and f"default: {TRACE_DEFAULT_SEED}" in helps["seed"]
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    assert re.search(r'id="hidden"[^>]*value="(\d+)"', page).group(1) == str(TRACE_DEFAULT_HIDDEN)
    assert re.search(r'id="seed"[^>]*value="(\d+)"', page).group(1) == str(TRACE_DEFAULT_SEED)

def test_every_script_file_is_in_the_script_it_joins():
    """views.js and app.js are their folders' files joined by a list: a file left off the list would never load."""
    from seqlab.render.fragments import STATIC as VIEWS_STATIC
    from seqlab.render.fragments import VIEW_PARTS, asset
    from seqlab.web.messages import APP_PARTS, STATIC, page_script

    assert sorted(p.stem for p in (VIEWS_STATIC / "views").glob("*.js")) == sorted(VIEW_PARTS)
    assert sorted(p.stem for p in (STATIC / "app").glob("*.js")) == sorted(APP_PARTS)
    assert page_script().lstrip().startswith("// seqlab page") and '"use strict";' in page_script()[:1000]
    assert asset("views.js").count("(function (root) {") == len(VIEW_PARTS)


def test_each_view_part_takes_only_what_the_core_or_an_earlier_part_gave():
    """A part destructures V.lib when it loads: a helper put there by a later part would be undefined (a reordered
    VIEW_PARTS, found by a review only because nothing drew a prediction with a trace)."""
    import re

    from seqlab.render.fragments import view_scripts

    given: set[str] = set()
    for path in view_scripts():
        script = path.read_text(encoding="utf-8")
        for names in re.findall(r"const \{([\w,\s]+)\} = V\.lib;", script):  # on one line or several
            taken = {n.strip() for n in names.split(",")}
            assert taken <= given, (path.name, sorted(taken - given))
        core = re.search(r"V\.lib = \{([\w,\s]+)\};", script)
        given |= {n.strip() for n in core.group(1).split(",")} if core else set()
        given |= set(re.findall(r"V\.lib\.(\w+) = ", script))


def test_joined_scripts_answer_304_to_a_reload_that_has_them(client):
    """views.js and app.js are built in memory: they carry an ETag, as the static files do, so a reload is cheap."""
    for path in ("/static/views.js", "/static/app.js", "/static/views.css"):
        first = client.get(path)
        assert first.status_code == 200 and first.headers["etag"], path
        again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b"", path
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200, path
        assert client.get(path, headers={"If-None-Match": "*"}).status_code == 304, path


def test_the_pages_number_boxes_hold_the_apis_bounds(client):
    """The page checked hidden 1-64, seed 0-4294967295 and steps 2-300 with numbers of its own, beside the boxes' min
    and max and the API's schema: now it reads each box's min and max, which are tested against the schema."""
    import re

    from seqlab.web.app import STATIC
    from seqlab.web.messages import page_script

    page = (STATIC / "index.html").read_text(encoding="utf-8")
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for box, (schema, field) in {"hidden": ("TraceBody", "hidden"), "seed": ("TraceBody", "seed"),
                                 "gsteps": ("GradflowBody", "steps")}.items():
        tag = re.search(rf'<input id="{box}"[^>]*>', page).group(0)
        bounds = {k: int(re.search(rf'{k}="(\d+)"', tag).group(1)) for k in ("min", "max")}
        spec = schemas[schema]["properties"][field]
        spec = next((s for s in spec.get("anyOf", [spec]) if s.get("type") == "integer"), spec)
        assert (bounds["min"], bounds["max"]) == (spec["minimum"], spec["maximum"]), box
        assert re.search(rf'intIn\("{box}", t\(', page_script()), box  # the script passes no bounds of its own
