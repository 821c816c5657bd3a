"""The JSON API under load: heavy work bounded per kind (503 with Retry-After, cheap routes never starved), the word
vectors' warm-up said and waited for, concurrent requests safe and deterministic, and the encoder's requests sharing
forward passes and entering its gate at their cost."""

import concurrent.futures
import threading

import numpy as np
from fastapi.testclient import TestClient

from seqlab.web.app import create_app
from seqlab.web.errors import RETRY_AFTER_MIN_S
from seqlab.web.gates import ENCODER_COSTS
from seqlab.web.service import ServeConfig
from tests.web.conftest import make_app, unshared


def test_word_vector_warm_up_reports_progress_and_503_until_ready(korean):
    app = create_app(ServeConfig(allow_hosts=("testserver",)), warm=False)
    service = app.state.service
    service._wordvec_thread = threading.Thread()  # pretend a build is running
    service.build.state, service.build.started = "building", 0.0
    with TestClient(app) as c:
        import time

        from seqlab.progress import new_phase

        new_phase(service.build, "reading the word list with Kiwi")  # the build's second step, as from_kiwi names it
        new_phase(service.build, "recovering Kiwi's context vectors")
        service.build.started = service.build.phase_started = time.monotonic() - 10
        service.build(12_500, 50_000)
        status = c.get("/api/wordvectors").json()
        assert status["state"] == "building" and status["done"] == 12_500 and 25 <= status["eta_s"] <= 35
        assert status["step"] == 2 and status["phase"] == "recovering Kiwi's context vectors"
        r = c.post("/api/analogy", json={"expression": "왕 - 남자 + 여자"})
        assert r.status_code == 503 and 25 <= int(r.headers["Retry-After"]) <= 35
        assert "step 2, recovering Kiwi's context vectors: 12,500 of 50,000" in r.json()["error"]
        assert r.json()["detail"]["total"] == 50_000
        ko = c.get("/api/wordvectors", headers={"Accept-Language": "ko"}).json()
        assert ko["phase"] == "Kiwi 문맥 벡터 복원 중"  # each request in its own language
        assert c.post("/api/tokenize", json={"text": korean}).status_code == 200  # nothing else waits


def test_heavy_work_is_bounded_and_cheap_routes_are_not_starved(korean, monkeypatch):
    from seqlab.lab import gradflow as gradflow_module

    app = make_app()
    gates = app.state.gates
    gates["gradflow"].slots, gates["gradflow"].queue = 1, 1
    order = []
    # the running gradflow is held until the other five have been answered or queued: on a loaded box the first one
    # could finish before the last request arrived, and a third was let in (a flake of the timing, not of the gate)
    release, real = threading.Event(), gradflow_module.gradflow
    monkeypatch.setattr(gradflow_module, "gradflow", lambda *a, **k: (release.wait(120), real(*a, **k))[1])
    with TestClient(app) as c:
        def heavy(i):  # six different requests (seeds): identical ones would share one computation (web.answers)
            r = c.post("/api/gradflow", json={"steps": 300, "hidden": 64, "seed": i})
            order.append("gradflow")
            return r

        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            futures = [pool.submit(heavy, i) for i in range(6)]
            for _ in range(3000):  # until the first one holds the slot
                if gates["gradflow"].running:
                    break
                threading.Event().wait(0.01)
            quick = c.post("/api/tokenize", json={"text": korean})
            order.append("tokenize")
            for _ in range(3000):  # the four turned away have their answers, while one runs and one waits
                if sum(f.done() for f in futures) >= 4:
                    break
                threading.Event().wait(0.01)
            release.set()
            results = [f.result() for f in futures]
    codes = sorted(r.status_code for r in results)
    assert quick.status_code == 200 and order.index("tokenize") < len(order) - 1  # tokenize did not wait for them
    assert codes.count(200) == 2 and codes.count(503) == 4  # one running, one queued, the rest turned away
    busy = next(r for r in results if r.status_code == 503)
    assert int(busy.headers["Retry-After"]) >= 1 and "busy" in busy.json()["error"]
    # the finer wait the page reads first: the gate's estimate, not rounded up to a whole second
    assert RETRY_AFTER_MIN_S <= busy.json()["retry_after_s"] <= int(busy.headers["Retry-After"])


def test_concurrent_requests_are_safe_and_deterministic(korean):
    body = {"text": korean, "hidden": 3, "seed": 5}
    with TestClient(unshared(make_app())) as client:  # each request computes: identical ones would share one answer
        expected = client.post("/api/trace", json=body).json()["final"]["h"]

        def call(i):
            if i % 3 == 0:
                return client.post("/api/attention", json={"text": "안녕하세요", "head": i % 12}).status_code, None
            r = client.post("/api/trace", json=body)
            return r.status_code, r.json()["final"]["h"]

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(call, range(24)))
    assert all(code == 200 for code, _ in results)
    assert all(h == expected for _, h in results if h is not None)


def test_concurrent_encoder_requests_share_forward_passes_with_the_same_numbers(nsmc_rows):
    """Dynamic batching (web.batching): many requests, fewer forward passes, each answer as if it came alone."""
    app = unshared(make_app())  # identical requests batched, not answered from one kept answer (web.answers)
    app.state.gates["encoder"].slots, app.state.gates["encoder"].queue = 12, 12  # all of them in at once
    client = TestClient(app)
    texts = [r[1] for r in nsmc_rows[:24]]
    alone = {t: client.post("/api/embed", json={"text": t, "preview": 4}).json() for t in texts[:6]}
    pair = client.post("/api/similarity", json={"a": texts[0], "b": texts[1]}).json()
    batcher = client.app.state.service.batcher
    passes, carried = batcher.batches, batcher.texts

    def call(i):
        if i % 4 == 3:
            return "similarity", client.post("/api/similarity", json={"a": texts[0], "b": texts[1]})
        return texts[i % 6], client.post("/api/embed", json={"text": texts[i % 6], "preview": 4})

    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(call, range(48)))
    assert all(r.status_code == 200 for _k, r in answers)
    for key, r in answers:
        got = r.json()
        if key == "similarity":
            assert abs(got["cosine"] - pair["cosine"]) <= 2e-4
        else:
            assert got["shape"] == alone[key]["shape"] and got["tokens"] == alone[key]["tokens"]
            np.testing.assert_allclose(got["heatmap"], alone[key]["heatmap"], atol=2e-3)
    texts_run = batcher.texts - carried
    assert texts_run == 36 + 2 * 12 and batcher.batches - passes < 48  # fewer passes than requests


def test_embed_and_similarity_enter_the_encoder_gate_at_costs_1_and_2(monkeypatch):
    """The encoder's queue is ordered by texts per forward pass: an embed costs 1, a comparison 2. That the cheaper
    waiting request goes first is tested on the gate itself (tests/web/test_gates.py)."""
    app = unshared(make_app())
    gate = app.state.gates["encoder"]
    costs = []
    enter = gate.enter

    async def noted(cost=1.0):
        costs.append(cost)
        return await enter(cost)

    monkeypatch.setattr(gate, "enter", noted)
    client = TestClient(app)
    assert client.post("/api/embed", json={"text": "영화"}).status_code == 200
    assert client.post("/api/similarity", json={"a": "영화", "b": "드라마"}).status_code == 200
    assert costs == [1, 2] == [ENCODER_COSTS["embed"], ENCODER_COSTS["similarity"]]
