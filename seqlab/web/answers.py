"""One computation for identical requests: a class that asks for the same thing at once shares one answer.

Every POST route but predict is deterministic: the same body, in the same
language, with the same engine running the encoder, gives the same bytes (the
seeds are in the body). Predict is left out: it reads the checkpoint directory,
which a training run may write again while the server runs. :class:`SharedAnswers` keeps the latest successful answers (at most
``max_bytes`` in all) and the computations in flight. An identical request is
answered from the one kept, or waits for the one running, and takes no slot of
its route's gate, if it has one (:mod:`seqlab.web.gates`): thirty students pressing Run on the
lecture's sentence cost one forward pass, not thirty, and none of them is told
to come back later. An error is handed to the requests waiting for it and then
forgotten, so the next request tries again.
"""

from __future__ import annotations

import asyncio
import collections

MAX_BYTES = 64 * 1024 * 1024  # answers kept in all (the largest answer is 8 MB: web.serialize)


class SharedAnswers:
    """Answers by key (route, body, language, engine): kept ones, and futures of those being computed."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self.kept_bytes = 0
        self.hits = 0  # requests answered from a kept answer
        self.joined = 0  # requests that waited for an identical one in flight
        self._kept: collections.OrderedDict[tuple, bytes] = collections.OrderedDict()
        self._running: dict[tuple, asyncio.Future] = {}

    def kept(self, key: tuple) -> bytes | None:
        data = self._kept.get(key)
        if data is not None:
            self._kept.move_to_end(key)
            self.hits += 1
        return data

    def running(self, key: tuple) -> asyncio.Future | None:
        future = self._running.get(key)
        if future is not None:
            self.joined += 1
        return future

    def begin(self, key: tuple) -> asyncio.Future:
        """Say that ``key`` is being computed (before its gate is entered, so that a second ask waits for it)."""
        future = asyncio.get_running_loop().create_future()
        future.add_done_callback(lambda f: f.cancelled() or f.exception())  # no "never retrieved" when none waited
        self._running[key] = future
        return future

    def fail(self, key: tuple, exc: BaseException) -> None:
        """The computation did not start (the gate was full): those waiting for it get the same answer."""
        future = self._running.pop(key, None)
        if future is not None and not future.done():
            future.set_exception(exc)

    def end(self, key: tuple, task: asyncio.Future) -> None:
        """The computation of ``key`` ended: keep its bytes if it succeeded, and hand its outcome to the waiting."""
        future = self._running.pop(key, None)
        if task.cancelled():
            if future is not None and not future.done():
                future.cancel()
            return
        exc = task.exception()
        if exc is None:
            self._keep(key, task.result())
        if future is not None and not future.done():
            if exc is None:
                future.set_result(task.result())
            else:
                future.set_exception(exc)

    def _keep(self, key: tuple, data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        old = self._kept.pop(key, None)
        self.kept_bytes += len(data) - (len(old) if old is not None else 0)
        self._kept[key] = data
        while self.kept_bytes > self.max_bytes:
            _key, dropped = self._kept.popitem(last=False)
            self.kept_bytes -= len(dropped)
