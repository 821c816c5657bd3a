"""Identical requests share one computation (web.answers): a class pressing Run on the same sentence costs one
forward pass and nobody is turned away; different bodies, languages or failures are never mixed up."""

import concurrent.futures
import threading

from fastapi.testclient import TestClient

from seqlab.web.answers import ENTRY_BYTES, SharedAnswers
from tests.web.conftest import in_own_loop, make_app


def held_gradflow(monkeypatch):
    """gradflow that waits for ``release`` (so that requests pile up behind it), counting its calls."""
    from seqlab.lab import gradflow as gradflow_module

    release, calls, real = threading.Event(), [], gradflow_module.gradflow

    def held(*args, **kwargs):
        calls.append(kwargs.get("seed"))
        release.wait(120)
        return real(*args, **kwargs)

    monkeypatch.setattr(gradflow_module, "gradflow", held)
    return release, calls


def test_a_class_asking_the_same_at_once_gets_one_computation_and_no_503(monkeypatch):
    app = make_app()
    gate = app.state.gates["gradflow"]
    gate.slots, gate.queue = 1, 1  # six distinct requests would see four 503s (test_api's gate test)
    release, calls = held_gradflow(monkeypatch)
    body = {"steps": 20, "hidden": 8, "seed": 3}
    with TestClient(app) as c, concurrent.futures.ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(c.post, "/api/gradflow", json=body) for _ in range(6)]
        for _ in range(3000):  # until the five others are waiting for the first one's answer
            if app.state.shared.joined >= 5:
                break
            threading.Event().wait(0.01)
        release.set()
        answers = [f.result() for f in futures]
        later = c.post("/api/gradflow", json=body)  # after it: the kept answer, no slot taken
        assert gate.running == 0
    assert [r.status_code for r in answers] == [200] * 6 and later.status_code == 200
    assert len(calls) == 1 and app.state.shared.joined == 5 and app.state.shared.hits == 1
    assert all(r.content == answers[0].content for r in [*answers, later])


def test_different_bodies_and_languages_are_computed_apart(monkeypatch):
    app = make_app()
    release, calls = held_gradflow(monkeypatch)
    release.set()
    with TestClient(app) as c:
        first = c.post("/api/gradflow", json={"steps": 20, "hidden": 8, "seed": 1})
        other = c.post("/api/gradflow", json={"steps": 20, "hidden": 8, "seed": 2})
        korean = c.post("/api/gradflow?lang=ko", json={"steps": 20, "hidden": 8, "seed": 1})
        english = c.post("/api/gradflow?lang=en", json={"steps": 20, "hidden": 8, "seed": 1})
    assert calls == [1, 2, 1]  # each seed, and Korean apart from the first ask (English, as the last one)
    assert first.json()["cells"] != other.json()["cells"]
    assert korean.json()["verdicts"] != english.json()["verdicts"]  # the page's sentences in each one's language
    assert korean.json()["cells"] == english.json()["cells"]


def test_a_failure_is_not_kept_and_the_next_ask_computes_again(monkeypatch):
    from seqlab.lab import gradflow as gradflow_module

    app = make_app()
    real, calls = gradflow_module.gradflow, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError("no room")
        return real(*args, **kwargs)

    monkeypatch.setattr(gradflow_module, "gradflow", flaky)
    body = {"steps": 20, "hidden": 8}
    with TestClient(app, raise_server_exceptions=False) as c:
        failed = c.post("/api/gradflow", json=body)
        again = c.post("/api/gradflow", json=body)
    assert failed.status_code == 500 and again.status_code == 200 and len(calls) == 2


def test_those_waiting_for_a_request_that_went_away_ask_again(monkeypatch):
    """The first ask was cancelled while it waited for a slot: the one that joined it was cancelled with it (no
    answer at all); it now computes the answer itself."""
    import asyncio

    app = make_app()
    gate, shared = app.state.gates["gradflow"], app.state.shared
    real_enter, entered = gate.enter, []

    async def enter(cost=1.0):
        entered.append(1)
        if len(entered) == 1:  # the first ask waits until the second has joined it, then goes away
            while not shared.joined:
                await asyncio.sleep(0.01)
            raise asyncio.CancelledError
        return await real_enter(cost)

    monkeypatch.setattr(gate, "enter", enter)
    body = {"steps": 20, "hidden": 8, "seed": 11}
    with TestClient(app, raise_server_exceptions=False) as c, concurrent.futures.ThreadPoolExecutor(2) as pool:
        first = pool.submit(c.post, "/api/gradflow", json=body)
        for _ in range(3000):
            if entered:
                break
            threading.Event().wait(0.01)
        second = pool.submit(c.post, "/api/gradflow", json=body).result(timeout=120)
        concurrent.futures.wait([first], timeout=120)
    assert second.status_code == 200 and "cells" in second.json()
    assert len(entered) == 2  # the joined request took a slot of its own


def test_waiting_requests_are_told_what_the_first_one_got():
    """A full gate's 503 reaches those that joined; a cancelled start or a cancelled task is Abandoned, not a
    cancellation of the requests that waited."""
    import asyncio

    from seqlab.web.answers import Abandoned
    from seqlab.web.errors import Saturated

    async def outcome(end):
        shared = SharedAnswers()
        shared.begin(("k",))
        joined = shared.running(("k",))
        end(shared)
        try:
            await joined
        except (Saturated, Abandoned) as exc:
            return type(exc).__name__, shared.running(("k",)), shared.kept(("k",))
        raise AssertionError("the waiting request was not told")

    async def scenarios():
        cancelled_task = asyncio.get_running_loop().create_future()
        cancelled_task.cancel()
        return [await outcome(lambda s: s.fail(("k",), Saturated("gradflow", 1.0))),
                await outcome(lambda s: s.fail(("k",), asyncio.CancelledError())),
                await outcome(lambda s: s.end(("k",), cancelled_task))]

    assert in_own_loop(scenarios()) == [("Saturated", None, None), ("Abandoned", None, None),
                                        ("Abandoned", None, None)]


def test_kept_answers_are_bounded_oldest_first():
    import asyncio

    async def scenario():
        shared = SharedAnswers(max_bytes=2 * (4 + 1 + ENTRY_BYTES))  # two entries: answer, key ("a") and cost
        for key, data in (("a", b"1234"), ("b", b"5678"), ("c", b"9012"), ("huge", b"x" * 500)):
            shared.begin((key,))
            task = asyncio.get_running_loop().create_future()
            task.set_result(data)
            shared.end((key,), task)
        return [shared.kept((k,)) for k in ("a", "b", "c", "huge")], shared.kept_bytes

    assert in_own_loop(scenario()) == ([None, b"5678", b"9012", None], 2 * (4 + 1 + ENTRY_BYTES))
