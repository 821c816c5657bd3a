"""Bounded concurrency for the expensive routes, so that cheap ones are never starved.

Each kind of heavy work (the encoder, attention, traces, gradient flow, word
vectors, prediction) has a :class:`Gate`: at most ``slots`` requests of that kind
run at once and ``queue`` more may wait; any further request is answered at once
with 503 and ``Retry-After`` (the gate's estimate of when a slot frees up).
Tokenizing, normalizing and the page itself pass no gate.

A request that runs past its time limit gets 408, but keeps its slot until its
worker thread really ends: a thread cannot be stopped, and the slot is what
bounds the work the machine is doing.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from seqlab.web.errors import Saturated


@dataclass
class Gate:
    kind: str  # what the 503 message calls this work ("attention")
    slots: int  # requests of this kind that run at once
    queue: int  # requests that may wait for a slot
    mean_s: float = 0.2  # moving average of one request's time, for Retry-After
    running: int = 0
    waiting: int = 0
    _semaphore: asyncio.Semaphore | None = field(default=None, repr=False)

    def _sem(self) -> asyncio.Semaphore:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.slots)
        return self._semaphore

    def wait_estimate(self) -> float:
        return self.mean_s * (self.running + self.waiting + 1) / self.slots

    async def enter(self) -> float:
        """Take a slot (waiting in the queue if need be); raises :class:`Saturated` when the queue is full."""
        if self.running + self.waiting >= self.slots + self.queue:
            raise Saturated(self.kind, self.wait_estimate())
        self.waiting += 1
        try:
            await self._sem().acquire()
        finally:
            self.waiting -= 1
        self.running += 1
        return time.perf_counter()

    def leave(self, started: float) -> None:
        self.running -= 1
        self._sem().release()
        self.mean_s = 0.8 * self.mean_s + 0.2 * (time.perf_counter() - started)


def default_gates() -> dict[str, Gate]:
    """One gate per kind of heavy work; two slots where the work is short, one where it holds a lock or many cores."""
    return {
        # embed, similarity: the requests in share forward passes (web.batching); a short queue keeps their time near
        # 0.3 s under 30 clients on two cores, and the rest get 503 + Retry-After (docs/benchmarks.md, Web)
        "encoder": Gate("encoder", slots=2, queue=2),
        "attention": Gate("attention", slots=1, queue=8),  # the model switches to eager attention under a lock
        "trace": Gate("trace", slots=2, queue=24),
        "gradflow": Gate("gradflow", slots=1, queue=2),  # up to 300 steps x 3 cells of hidden 128: seconds
        "words": Gate("words", slots=2, queue=8),  # analogy, neighbours: one product with 50,000 vectors
        "predict": Gate("predict", slots=1, queue=4),
    }
