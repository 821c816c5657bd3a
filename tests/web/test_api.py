"""The JSON API: every route, every bad-input class (4xx with a message, never a 500), concurrency."""

import concurrent.futures

import pytest
from fastapi.testclient import TestClient

from seqlab.web.app import create_app
from seqlab.web.service import ServeConfig


@pytest.fixture(scope="module")
def client():
    app = create_app(ServeConfig(wordvec_korean=3000, wordvec_english=300), warm=False)
    app.state.service._build_wordvectors()  # small vocabulary, built now
    with TestClient(app) as c:
        yield c


def test_models_and_openapi(client):
    info = client.get("/api/models").json()
    assert info["default"] == "e5-small" and [m["name"] for m in info["models"]][:2] == ["e5-small", "minilm"]
    paths = client.get("/openapi.json").json()["paths"]
    for route in ("tokenize", "embed", "similarity", "analogy", "trace", "gradflow", "attention", "predict", "models"):
        assert f"/api/{route}" in paths


def test_every_stage(client, korean):
    tok = client.post("/api/tokenize", json={"text": korean}).json()
    assert "▁안녕하세요" in tok["tokens"] and tok["morphemes"][0]["token"] == "안녕/NNG"
    emb = client.post("/api/embed", json={"text": korean}).json()
    assert emb["shape"] == [1, 11, 384] and len(emb["heatmap"]) == 11 and "sequence length" in emb["shape_explained"][2]
    sim = client.post("/api/similarity", json={"a": "영화가 좋다", "b": "영화가 좋았다"}).json()
    assert 0.8 < sim["cosine"] <= 1
    ana = client.post("/api/analogy", json={"expression": "왕 - 남자 + 여자"}).json()
    assert ana["results"][0]["word"] == "여왕"
    assert client.post("/api/neighbors", json={"word": "영화"}).status_code == 200
    tr = client.post("/api/trace", json={"text": korean, "cell": "gru", "hidden": 2, "input_dim": 2}).json()
    assert tr["cell"] == "gru" and len(tr["steps"]) == 11 and len(tr["weights"]["W_hh"]) == 6
    gf = client.post("/api/gradflow", json={"steps": 30, "hidden": 8, "forget_bias": 3}).json()
    assert len(gf["cells"]["lstm"]["grad_norms"]) == 30
    att = client.post("/api/attention", json={"text": "안녕하세요"}).json()
    assert att["shape"] == [12, 12, 3, 3]
    assert all(abs(sum(row) - 1) < 1e-3 for row in att["attentions"][0][0])


BAD = [
    ("post", "/api/tokenize", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 422),
    ("post", "/api/tokenize", {"json": {"text": 5}}, 422),
    ("post", "/api/tokenize", {"json": {}}, 422),
    ("post", "/api/tokenize", {"json": {"text": "x", "extra": 1}}, 422),
    ("post", "/api/tokenize", {"json": {"text": "x" * 2001}}, 422),
    ("post", "/api/tokenize", {"json": {"text": "x", "model": "klue/bert-base"}}, 404),
    ("post", "/api/tokenize", {"json": {"text": "x", "model": "/etc/passwd"}}, 404),
    ("post", "/api/tokenize", {"content": b'{"text": "\\ud800"}', "headers": {"content-type": "application/json"}}, 422),
    ("post", "/api/tokenize", {"content": b'{"text": "' + b"a" * 300_000 + b'"}',
                               "headers": {"content-type": "application/json"}}, 413),
    ("post", "/api/embed", {"json": {"text": "x", "model": "kiwi"}}, 400),
    ("post", "/api/trace", {"json": {"text": "x", "cell": "transformer"}}, 422),
    ("post", "/api/trace", {"json": {"text": "x", "hidden": 100000}}, 422),
    ("post", "/api/trace", {"json": {"text": "x", "checkpoint": True}}, 400),
    ("post", "/api/gradflow", {"json": {"steps": 0}}, 422),
    ("post", "/api/analogy", {"json": {"expression": "- 남자"}}, 400),
    ("post", "/api/neighbors", {"json": {"word": ""}}, 422),
    ("post", "/api/predict", {"json": {"text": "좋다"}}, 400),
    ("get", "/api/nothing", {}, 404),
]


@pytest.mark.parametrize("method,path,kwargs,status", BAD)
def test_bad_input_gets_4xx_with_a_message(client, method, path, kwargs, status):
    r = getattr(client, method)(path, **kwargs)
    assert r.status_code == status, r.text
    body = r.json()
    assert isinstance(body.get("error") or body.get("detail"), str)
    assert "Traceback" not in r.text and 'File "' not in r.text


def test_empty_text_is_fine(client):
    assert client.post("/api/tokenize", json={"text": ""}).json()["tokens"] == ["<s>", "</s>"]


def test_concurrent_requests_are_safe_and_deterministic(client, korean):
    body = {"text": korean, "hidden": 3, "seed": 5}
    expected = client.post("/api/trace", json=body).json()["final"]["h"]

    def call(i):
        if i % 3 == 0:
            return client.post("/api/attention", json={"text": "안녕하세요"}).status_code, None
        r = client.post("/api/trace", json=body)
        return r.status_code, r.json()["final"]["h"]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(24)))
    assert all(code == 200 for code, _ in results)
    assert all(h == expected for _, h in results if h is not None)


def test_predict_with_a_checkpoint(tmp_path, nsmc_rows):
    from seqlab.cli import main

    data = tmp_path / "d.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:600]) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    assert main(["train", "--data", str(data), "--model", "lstm", "--out", str(out), "--tokenizer", "char",
                 "--embedding", "random", "--embed-dim", "8", "--hidden", "8", "--epochs", "1", "--json"]) == 0
    with TestClient(create_app(ServeConfig(checkpoint=out), warm=False)) as c:
        r = c.post("/api/predict", json={"text": "정말 재밌어요"}).json()
        assert r["label"] in ("0", "1") and r["trace"]["cell"] == "lstm"
        assert c.post("/api/trace", json={"text": "좋다", "checkpoint": True}).json()["checkpoint"] == str(out)


def test_default_host_is_loopback():
    assert ServeConfig().host == "127.0.0.1"
