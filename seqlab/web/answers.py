"""One computation for identical requests: a class that asks for the same thing at once shares one answer.

The POST routes are deterministic: the same body, in the same language, with the
same engine running the encoder, gives the same bytes (the seeds are in the
body). Two kinds of request are left out, since they read the checkpoint
directory, which a training run may write again while the server runs: predict,
and a trace of the trained model (``checkpoint: true``).

:class:`SharedAnswers` keeps the latest successful answers (at most ``max_bytes``
in all, keys counted) and the computations in flight. An identical request is
answered from the one kept, or waits for the one running, and takes no slot of
its route's gate, if it has one (:mod:`seqlab.web.gates`): thirty students
pressing Run on the lecture's sentence cost one forward pass, not thirty, and
none of them is told to come back later. An error is handed to the requests
waiting for it and then forgotten, so the next request tries again. If the first
request goes away before its work starts (its client left while it waited for a
slot), those waiting for it are told :class:`Abandoned` and ask again themselves.
"""

from __future__ import annotations

import asyncio
import collections

from seqlab.web.serialize import MAX_RESPONSE_BYTES

MAX_BYTES = 8 * MAX_RESPONSE_BYTES  # answers and their keys kept in all: 64 MB, eight of the largest answers
ENTRY_BYTES = 200  # what an entry costs besides its answer and its body (the key's tuple, the dict's slot)


class Abandoned(Exception):
    """The request computing an answer went away before its work started: ask again."""


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
        """The computation did not start: its gate was full (those waiting get the same 503), or its request was
        cancelled while it waited for a slot (they get :class:`Abandoned`)."""
        future = self._running.pop(key, None)
        if future is not None and not future.done():
            future.set_exception(Abandoned() if isinstance(exc, asyncio.CancelledError) else exc)

    def end(self, key: tuple, task: asyncio.Future) -> None:
        """The computation of ``key`` ended: keep its bytes if it succeeded, and hand its outcome to the waiting."""
        future = self._running.pop(key, None)
        if task.cancelled():
            if future is not None and not future.done():
                future.set_exception(Abandoned())
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
        if size(key, data) > self.max_bytes:
            return
        old = self._kept.pop(key, None)
        self.kept_bytes += size(key, data) - (size(key, old) if old is not None else 0)
        self._kept[key] = data
        while self.kept_bytes > self.max_bytes:
            dropped_key, dropped = self._kept.popitem(last=False)
            self.kept_bytes -= size(dropped_key, dropped)


def size(key: tuple, data: bytes) -> int:
    """The bytes an entry holds: its answer, the strings of its key (a body can be as long as its answer), and a
    fixed cost."""
    return len(data) + sum(len(part) for part in key if isinstance(part, str)) + ENTRY_BYTES
