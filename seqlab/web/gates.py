"""Bounded concurrency for the expensive routes, so that cheap ones are never starved.

Each kind of heavy work (the encoder, attention, traces, gradient flow, word
vectors, prediction) has a :class:`Gate`: at most ``slots`` requests of that kind
run at once and ``queue`` more may wait; any further request is answered at once
with 503 and ``Retry-After`` (the gate's estimate of when a slot frees up). A freed
slot goes to the cheapest request waiting (:meth:`Gate.enter`), or to the earliest
where the gate's ``order`` is "arrival" (first come, first served).
Tokenizing, normalizing and the page itself pass no gate.

A request that runs past its time limit gets 408, but keeps its slot until its
worker thread really ends: a thread cannot be stopped, and the slot is what
bounds the work the machine is doing.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Literal

from seqlab.web.errors import Saturated


@dataclass(eq=False)  # compared by identity: `in` and remove() must find this waiter, not an equal one
class _Waiter:
    cost: float  # its work, for the order of the queue
    arrival: int  # its place in the order of arrival
    since: float  # perf_counter() when it began to wait
    slot: asyncio.Future  # done when _hand_over() gives it a slot


ORDERS = ("cost", "arrival")  # who gets a freed slot: the cheapest waiting request, or the earliest
#: an encoder request's cost (Gate.enter): the texts of its forward pass
ENCODER_COSTS = {"embed": 1, "similarity": 2}


@dataclass
class Gate:
    """One kind of heavy work's slots and queue. Its waiters' futures belong to the event loop that awaits them: a
    gate serves one loop (the server's), as an asyncio.Semaphore does."""

    kind: str  # what the 503 message calls this work ("attention")
    slots: int  # requests of this kind that run at once
    queue: int  # requests that may wait for a slot
    mean_s: float = 0.2  # moving average of one request's time, for Retry-After
    order: Literal["cost", "arrival"] = "cost"  # who gets a freed slot: the cheapest (Gate.enter) or the earliest
    running: int = 0
    _waiters: list[_Waiter] = field(default_factory=list, repr=False)  # in order of arrival
    _arrivals: int = 0

    def __post_init__(self):
        if self.order not in ORDERS:
            raise ValueError(f"a gate's order is one of {', '.join(ORDERS)}, got {self.order!r}")

    @property
    def waiting(self) -> int:
        """Requests in the queue (one handed a slot counts as running from that moment)."""
        return len(self._waiters)

    def wait_estimate(self) -> float:
        return self.mean_s * (self.running + self.waiting + 1) / self.slots

    async def enter(self, cost: float = 1.0) -> float:
        """Take a slot (waiting in the queue if need be); raises :class:`Saturated` when the queue is full.

        ``cost``: the request's work, in a unit the requests of this gate share (the encoder's:
        :data:`ENCODER_COSTS`). A freed slot goes to the cheapest waiting request,
        the earliest among equals (shortest job first: the cheap request does not wait behind the dear one), or
        to the longest waiting one once it has waited more than twice a request's mean time, so that a dear
        request is not passed over for long.
        """
        if self.running + self.waiting >= self.slots + self.queue:
            raise Saturated(self.kind, self.wait_estimate())
        if self.running < self.slots and not self._waiters:
            self.running += 1
            return time.perf_counter()
        self._arrivals += 1
        waiter = _Waiter(cost, self._arrivals, time.perf_counter(), asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        self._hand_over()  # a slot may be free (slots raised while requests wait)
        try:
            await waiter.slot  # _hand_over() counted it as running when it gave it the slot
        except BaseException:  # cancelled (the client went away): its slot, if it was handed one, goes on
            if waiter.slot.done() and not waiter.slot.cancelled():
                self.running -= 1
                self._hand_over()
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise
        return time.perf_counter()

    def leave(self, started: float) -> None:
        self.running -= 1
        self.mean_s = 0.8 * self.mean_s + 0.2 * (time.perf_counter() - started)
        self._hand_over()

    def _hand_over(self) -> None:
        """Free slots to waiting requests: the earliest, if it has waited past twice the mean time, else the cheapest
        (or the earliest, where the gate's order is "arrival")."""
        while self.running < self.slots and self._waiters:
            earliest = self._waiters[0]
            overdue = time.perf_counter() - earliest.since > 2 * self.mean_s
            cheapest = self.order == "cost" and not overdue
            chosen = min(self._waiters, key=lambda w: (w.cost, w.arrival)) if cheapest else earliest
            self._waiters.remove(chosen)
            if not chosen.slot.done():  # done: cancelled while it waited
                self.running += 1
                chosen.slot.set_result(None)


def default_gates() -> dict[str, Gate]:
    """One gate per kind of heavy work; two slots where the work is short, one where it holds a lock or many cores."""
    return {
        # embed, similarity: the requests in share forward passes (web.batching); a short queue keeps their time near
        # 0.3 s under 30 clients on two cores, and the rest get 503 + Retry-After (docs/benchmarks.md, Web); the
        # cheaper waiting request goes first (ENCODER_COSTS)
        "encoder": Gate("encoder", slots=2, queue=2),
        "attention": Gate("attention", slots=1, queue=8),  # the model switches to eager attention under a lock
        "trace": Gate("trace", slots=2, queue=24),
        "gradflow": Gate("gradflow", slots=1, queue=2),  # up to 300 steps x 3 cells of hidden 128: seconds
        "words": Gate("words", slots=2, queue=8),  # analogy, neighbours: one product with 50,000 vectors
        "predict": Gate("predict", slots=1, queue=4),
    }
