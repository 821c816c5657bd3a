"""How a command stops on SIGTERM (``kill``, ``timeout``, a job scheduler) or Ctrl-C.

Both raise where the command is, so that what it made is cleaned up, or kept for ``--resume``, and said; SIGTERM
then exits 143 (128 + 15, the shell's code for it), Ctrl-C 130. A signal that comes while a module is being
imported waits until the import ends: an exception in the middle of an extension's import (torch's, gensim's) left
it half made, and the process crashed ("SystemError: bad call flags", then a segmentation fault).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the command is and handled as Ctrl-C is. Without it, a killed ``train`` left a half-made
    folder behind that neither a rerun nor ``--resume`` accepted."""


TERMINATED: list[bool] = []  # set when SIGTERM came: typer may hand back its 130 without the exception
PENDING: list[int] = []  # a signal that came during an import, raised once the import is done


def _importing(frame) -> bool:
    """Whether ``frame`` runs inside an import (a module's top level being executed by importlib)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def on_signal(signum, frame) -> None:
    """Raise :class:`Terminated` (SIGTERM) or KeyboardInterrupt (Ctrl-C) here, or shortly after an import ends."""
    if signum == signal.SIGALRM:  # the retry of a signal that came during an import (none waiting: not ours)
        if not PENDING:
            return
        signum = PENDING.pop()
    if signum == signal.SIGTERM:
        TERMINATED.append(True)
    if _importing(frame):
        PENDING.append(signum)
        signal.signal(signal.SIGALRM, on_signal)
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        return
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


@contextlib.contextmanager
def stops_handled(enabled: bool = True) -> Iterator[None]:
    """:func:`on_signal` for SIGTERM (and Ctrl-C where Python's own handler is set: a run started in the background
    without job control ignores it) inside the block, the caller's handlers after it. Only the main thread can set
    handlers; ``enabled=False`` leaves them alone (``serve``: uvicorn's graceful stop is no interruption)."""
    TERMINATED.clear()
    PENDING.clear()
    enabled = enabled and threading.current_thread() is threading.main_thread()
    handled = [signal.SIGTERM, signal.SIGALRM] if enabled else []
    if enabled and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        handled.append(signal.SIGINT)
    before = {signum: signal.signal(signum, on_signal) for signum in handled}
    try:
        yield
    finally:
        if enabled:
            signal.setitimer(signal.ITIMER_REAL, 0)
        for signum, handler in before.items():
            signal.signal(signum, handler)


def exit_code(exc: BaseException | None = None) -> int:
    """143 for a command stopped by SIGTERM, 130 for Ctrl-C (``exc``: the interrupt, when there is one)."""
    return 143 if isinstance(exc, Terminated) or (exc is None and TERMINATED) else 130
