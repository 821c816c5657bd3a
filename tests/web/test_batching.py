"""The encoder batcher: waiting requests share one pass, each gets its own records, errors reach every request."""

from __future__ import annotations

import concurrent.futures
import threading
from types import SimpleNamespace

import pytest

from seqlab.web.batching import EncoderBatcher


class FakeEncoder:
    """embed_records that records each pass; the first pass blocks until ``release`` is set."""

    def __init__(self, fail: bool = False):
        self.passes: list[list[str]] = []
        self.entered, self.release = threading.Event(), threading.Event()
        self.fail = fail

    def embed_records(self, records, pooling, normalize):
        self.passes.append([r.text for r in records])
        if len(self.passes) == 1:
            self.entered.set()
            self.release.wait(10)
        if self.fail:
            raise ValueError("broken model")
        return [SimpleNamespace(text=r.text, pooled=len(r.input_ids)) for r in records]


def record(text: str):
    return SimpleNamespace(text=text, input_ids=list(range(len(text))))


def test_requests_waiting_during_a_pass_share_the_next_one():
    fake = FakeEncoder()
    batcher = EncoderBatcher(load=lambda model: fake)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        first = pool.submit(batcher.embed, "m", [record("first")], 10)
        assert fake.entered.wait(10)  # the first pass is running; these six wait for it
        rest = [pool.submit(batcher.embed, "m", [record("x" * (9 - i)), record(f"pair{i}")], 10) for i in range(6)]
        while batcher._jobs.qsize() < 6:
            threading.Event().wait(0.01)
        fake.release.set()
        assert [r.text for r in first.result()] == ["first"]
        for i, future in enumerate(rest):
            assert [r.text for r in future.result()] == ["x" * (9 - i), f"pair{i}"]  # each its own, in its order
    assert len(fake.passes) == 2 and len(fake.passes[1]) == 12  # all six in one pass
    assert [len(t) for t in fake.passes[1]] == sorted(len(t) for t in fake.passes[1])  # sorted by length
    assert batcher.batches == 2 and batcher.texts == 13


def test_an_error_reaches_every_request_of_its_batch_and_the_worker_goes_on():
    fake = FakeEncoder(fail=True)
    batcher = EncoderBatcher(load=lambda model: fake)
    fake.release.set()
    with pytest.raises(ValueError, match="broken model"):
        batcher.embed("m", [record("a")], 10)
    fake.fail = False
    assert [r.text for r in batcher.embed("m", [record("b")], 10)] == ["b"]  # the same worker, still serving
